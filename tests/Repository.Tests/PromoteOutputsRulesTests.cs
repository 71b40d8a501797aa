using Sluice.Errors;
using Sluice.Gates;
using Sluice.Targets;

namespace Repository.Tests;

/// <summary>The rows of <see cref="PromoteOutputs"/>'s table: what a CI rollback job may act on after each ending.</summary>
public sealed class PromoteOutputsRulesTests
{
    private static SluiceException Error(ErrorKind kind, string code) => new(kind, code, "message", "remedy");

    [Fact]
    public void Row1_done_or_incomplete_leaves_nothing_to_roll_back()
    {
        Assert.Equal(new PromoteOutputs("p2", "", false, ""), PromoteOutputs.Of(null, "p2"));
        Assert.Equal(new PromoteOutputs("p2", "SLU043", false, ""), PromoteOutputs.Of(Error(ErrorKind.Incomplete, "SLU043"), "p2"));
    }

    [Theory]
    [InlineData(ErrorKind.Usage, "SLU035")]
    [InlineData(ErrorKind.Busy, "SLU040")]
    [InlineData(ErrorKind.Failure, ErrorCodes.Blocked)]
    public void Row2_a_block_a_usage_error_or_a_busy_environment_changed_nothing(ErrorKind kind, string code) =>
        Assert.Equal(new PromoteOutputs("", code, false, ""), PromoteOutputs.Of(Error(kind, code), null));

    [Fact]
    public void Row3_a_failure_Promote_rolled_back_itself_is_not_rolled_back_again() =>
        Assert.Equal(new PromoteOutputs("p2", ErrorCodes.PromoteFailed, true, ""), PromoteOutputs.Of(Error(ErrorKind.Failure, ErrorCodes.PromoteFailed), "p2"));

    [Fact]
    public void Row4_a_failure_Promote_could_not_roll_back_names_exactly_the_plan_it_was_applying()
    {
        Assert.Equal(new PromoteOutputs("p2", ErrorCodes.RollbackFailed, false, "p2"), PromoteOutputs.Of(Error(ErrorKind.Failure, ErrorCodes.RollbackFailed), "p2"));
        Assert.Equal(new PromoteOutputs("p2", "", false, "p2"), PromoteOutputs.Of(new OperationCanceledException(), "p2"));
        Assert.Equal(new PromoteOutputs("", "SLU054", false, ""), PromoteOutputs.Of(Error(ErrorKind.Failure, "SLU054"), null)); // touched nothing
    }
}
