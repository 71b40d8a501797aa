using Sluice.Migrations.Journal;
using Sluice.Migrations.Leases;

namespace Sluice.Tests;

/// <summary>The rules of <see cref="LeaseClaim"/>, row by row.</summary>
public sealed class LeaseClaimRulesTests
{
    private static readonly DateTimeOffset Noon = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    private static LeaseHolder Row(int? pid, bool? sessionGone) =>
        new("staging", new RunnerIdentity("old", "host", null), Noon, Noon.AddSeconds(10), Noon.AddSeconds(70), pid, sessionGone);

    [Fact]
    public void Rule1_a_held_advisory_lock_is_busy_whatever_the_row_says() =>
        Assert.Equal(LeaseClaimOutcome.Busy, LeaseClaim.Decide(lockFree: false, Row(42, sessionGone: true), expired: true).Outcome);

    [Fact]
    public void Rule2_a_free_lock_and_no_row_acquires() =>
        Assert.Equal(LeaseClaimOutcome.Acquire, LeaseClaim.Decide(lockFree: true, null, expired: false).Outcome);

    [Fact]
    public void Rule3_a_holder_whose_backend_is_gone_is_taken_over_before_its_lease_expires()
    {
        var decision = LeaseClaim.Decide(lockFree: true, Row(42, sessionGone: true), expired: false);
        Assert.Equal((LeaseClaimOutcome.TakeOver, "its session (backend pid 42) is gone"), (decision.Outcome, decision.Reason));
    }

    [Fact]
    public void Rule4_an_expired_lease_is_taken_over_even_when_its_backend_cannot_be_told()
    {
        var decision = LeaseClaim.Decide(lockFree: true, Row(null, sessionGone: null), expired: true);
        Assert.Equal(LeaseClaimOutcome.TakeOver, decision.Outcome);
        Assert.Contains("expired 2026-01-05 12:01:10Z", decision.Reason);
    }

    [Theory]
    [InlineData(42, false, "is still connected")]
    [InlineData(null, null, "its session is gone but its lease runs until 2026-01-05 12:01:10Z")]
    public void Rule5_an_unexpired_lease_whose_session_may_still_act_is_busy_until_it_expires(int? pid, bool? sessionGone, string remedy)
    {
        var decision = LeaseClaim.Decide(lockFree: true, Row(pid, sessionGone), expired: false);
        Assert.Equal(LeaseClaimOutcome.Busy, decision.Outcome);
        Assert.Contains(remedy, decision.Reason);
    }
}
