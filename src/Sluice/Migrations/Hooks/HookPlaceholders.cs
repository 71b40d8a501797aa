using System.Text.RegularExpressions;

namespace Sluice.Migrations.Hooks;

/// <summary>
/// The placeholders a hook's text may hold: <c>${env}</c>, <c>${service}</c>, <c>${plan}</c>, <c>${phase}</c>, and
/// <c>${secret:NAME}</c>, the value of the environment variable NAME at run time (how CI hands secrets to a run). A
/// secret is never written into a plan; its value is redacted from everything Sluice keeps or prints.
/// </summary>
public static partial class HookPlaceholders
{
    public static readonly IReadOnlyList<string> Names = ["env", "service", "plan", "phase"];

    /// <summary>The first placeholder in <paramref name="text"/> that is not one of these, or null.</summary>
    public static string? FirstUnknown(string text) =>
        Placeholder().Matches(text).Select(m => m.Groups[1].Value)
            .FirstOrDefault(name => !Names.Contains(name, StringComparer.Ordinal) && !SecretName().IsMatch(name));

    public static bool HasSecret(string text) => Placeholder().Matches(text).Any(m => SecretName().IsMatch(m.Groups[1].Value));

    /// <summary>Replaces every placeholder; a secret's value is added to <paramref name="secrets"/>.</summary>
    /// <exception cref="KeyNotFoundException">A secret's variable is not set (the message names it).</exception>
    public static string Expand(string text, HookContext context, Func<string, string?> variable, ICollection<string> secrets) =>
        Placeholder().Replace(text, m =>
        {
            var name = m.Groups[1].Value;
            switch (name)
            {
                case "env": return context.Environment;
                case "service": return context.Service;
                case "plan": return context.PlanId;
                case "phase": return context.Phase;
            }
            var variableName = name["secret:".Length..];
            var value = variable(variableName);
            if (string.IsNullOrEmpty(value)) throw new KeyNotFoundException(variableName);
            secrets.Add(value);
            return value;
        });

    [GeneratedRegex(@"\$\{([^}]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^secret:[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();
}

/// <summary>What a hook's placeholders and idempotency key are made of.</summary>
public sealed record HookContext(string Environment, string Service, string PlanId, string Phase);
