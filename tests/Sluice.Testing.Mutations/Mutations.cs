using CsCheck;

namespace Sluice.Testing.Mutations;

/// <summary>
/// The generators and the run of the loaders' property tests. Under CI (<c>CI=true</c>) the cases come one after the
/// other from a fixed seed, so a red build is the same red build when rerun (CsCheck's own <c>seed</c> fixes only the
/// first case). Elsewhere CsCheck samples at random, in parallel, and shrinks a failing case; either way the failure
/// names a seed that <c>CsCheck_Seed=&lt;seed&gt;</c> replays first.
/// </summary>
public static class Mutations
{
    /// <summary>Cases per loader: enough that every kind of mutation lands on every part of a file many times.</summary>
    public const int Cases = 2000;

    /// <summary>The stream and state CI's cases come from.</summary>
    private const uint FixedStream = 12;
    private const ulong FixedState = 20261201;

    private static bool UnderCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static readonly Gen<Mutation> One =
        Gen.Select(Gen.Enum<MutationKind>(), Gen.UInt, Gen.UInt, (kind, where, what) => new Mutation(kind, where, what));

    /// <summary>One to three mutations applied in order: single mistakes, and the mistakes that hide behind others.</summary>
    public static readonly Gen<Mutation[]> Some = One.Array[1, 3];

    /// <summary>Runs <paramref name="assert"/> on <see cref="Cases"/> generated cases.</summary>
    public static void Check<T>(Gen<T> gen, Action<T> assert)
    {
        if (!UnderCi)
        {
            gen.Sample(assert, iter: Cases);
            return;
        }
        foreach (var (value, replay) in FixedCases(gen))
            Run(() => assert(value), replay);
    }

    /// <inheritdoc cref="Check{T}(Gen{T}, Action{T})"/>
    public static async Task CheckAsync<T>(Gen<T> gen, Func<T, Task> assert)
    {
        if (!UnderCi)
        {
            await gen.SampleAsync(assert, iter: Cases);
            return;
        }
        foreach (var (value, replay) in FixedCases(gen))
            Run(() => assert(value).GetAwaiter().GetResult(), replay);
    }

    /// <summary>CI's cases, in order, each with the words that say how to replay it.</summary>
    private static IEnumerable<(T Value, string Replay)> FixedCases<T>(Gen<T> gen)
    {
        var pcg = new PCG(FixedStream, FixedState);
        for (var i = 0; i < Cases; i++)
        {
            var state = pcg.State;
            var value = gen.Generate(pcg, null, out _);
            yield return (value, $"case {i} of the fixed CI run failed; CsCheck_Seed={pcg.ToString(state)} replays it: {CsCheck.Check.Print(value)}");
        }
    }

    private static void Run(Action assert, string replay)
    {
        try
        {
            assert();
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(replay, e);
        }
    }
}
