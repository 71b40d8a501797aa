using CsCheck;

namespace Sluice.Testing.Mutations;

/// <summary>
/// The generators and the run settings shared by the loaders' property tests. Under CI (<c>CI=true</c>) every run
/// replays <see cref="FixedSeed"/>; elsewhere the seed is random and CsCheck prints it with a failing case, so
/// <c>CsCheck_Seed=&lt;seed&gt;</c> (or passing it here) replays exactly that case.
/// </summary>
public static class Mutations
{
    /// <summary>Cases per loader: enough that every kind of mutation lands on every part of a file many times.</summary>
    public const int Cases = 2000;

    /// <summary>The seed CI runs with, so a red build is the same red build when rerun.</summary>
    public const string FixedSeed = "8eEhfB6dbXM2";

    public static string? Seed =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase) ? FixedSeed : null;

    public static readonly Gen<Mutation> One =
        Gen.Select(Gen.Enum<MutationKind>(), Gen.UInt, Gen.UInt, (kind, where, what) => new Mutation(kind, where, what));

    /// <summary>One to three mutations applied in order: single mistakes, and the mistakes that hide behind others.</summary>
    public static readonly Gen<Mutation[]> Some = One.Array[1, 3];
}
