using Sluice.Build;
using Sluice.Targets;

namespace Sluice.Repository;

// Thin stand-ins, so GenerateCi can name targets built in parallel branches; each is deleted when its branch merges.
// They declare the name, the environment and the parameter the generated pipelines pass, and fail if run.

/// <summary>Stand-in for issue 16's <c>Canary</c> (engineer h16): the release pipeline runs it in the environment's job as
/// <c>--canary-stage deploy</c> (start the new version beside the baseline), <c>route</c> (the traffic steps) and
/// <c>analyse</c> (analysis and the divergence check), after <c>Promote --canary-stage prepare</c> (the phases up to
/// <c>requires_phase</c>) and before <c>Promote</c> (the rest).</summary>
public interface ICanaryStandIn : ISluiceComponent
{
    [Parameter("Canary/Promote: one stage of a canary release: prepare (Promote: the phases up to requires_phase), deploy, route, analyse (Canary)")]
    string? CanaryStage => this.Parameter<string>();

    Target Canary => _ => _
        .Description("Stand-in for issue 16's canary (fails if run): traffic steps, analysis and divergence check on --env")
        .Environment()
        .Executes(() => throw new InvalidOperationException("Canary is a stand-in until issue 16's target merges: it only lets GenerateCi name it"));
}
