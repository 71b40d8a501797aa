namespace Sluice.Gates;

/// <summary>A gate's answer: pass lets the release go on, warn lets it go on and says why to look, fail blocks it.</summary>
public enum GateVerdict
{
    Pass,
    Warn,
    Fail,
}

/// <summary>One gate's decision with what it saw (evidence) and what to do about a warn or fail (remedy).</summary>
public sealed record GateResult(string Gate, GateVerdict Verdict, string Evidence, string? Remedy = null)
{
    public static GateResult Pass(string gate, string evidence) => new(gate, GateVerdict.Pass, evidence);

    public static GateResult Warn(string gate, string evidence, string remedy) => new(gate, GateVerdict.Warn, evidence, remedy);

    public static GateResult Fail(string gate, string evidence, string remedy) => new(gate, GateVerdict.Fail, evidence, remedy);
}
