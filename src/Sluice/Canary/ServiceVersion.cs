namespace Sluice.Canary;

/// <summary>The two versions of a service a canary compares: the stable one serving today and the new one on trial.</summary>
public enum ServiceVersion
{
    Baseline,
    Canary,
}
