using Sluice.Errors;
using Sluice.Migrations.Hooks;
using Sluice.Migrations.Plans;

namespace Sluice.Tests.Hooks;

/// <summary>The rule table of <c>PhaseHookReader</c>, row by row: each bad hook definition is refused with its code,
/// plan.yaml and the line, and a remedy.</summary>
public sealed class PhaseHookReaderRulesTests
{
    private const string Http = "http: {url: 'https://cache.internal/flush', method: POST}";
    private const string Revert = "revert: {http: {url: 'https://cache.internal/flush', method: POST}}";

    [Fact]
    public void A_full_hooks_block_is_read_with_its_defaults_and_placeholders()
    {
        var phase = Load("""
              before:
                - name: pause_consumer
                  command: {argv: [echo, '${env}', '${plan}'], timeout: 5s}
                  revert: {command: {argv: [echo, resume]}}
              after:
                - name: invalidate_cache
                  http:
                    url: '${secret:SHOP_URL}/cache/invalidate?scope=${phase}'
                    expect: [200, 204]
                    retries: 4
                    backoff: 100ms
                    headers: {Authorization: 'Bearer ${secret:SHOP_TOKEN}'}
                  revert: none
                  reason: the cache refills itself from the database
            """).Hooks;

        var pause = Assert.Single(phase.Before);
        var command = Assert.IsType<CommandHookAction>(pause.Action);
        Assert.Equal(["echo", "${env}", "${plan}"], command.Argv);
        Assert.Equal((TimeSpan.FromSeconds(5), 1), (command.Timeout, command.Attempts));
        Assert.IsType<CommandHookAction>(pause.Revert);
        Assert.Equal(13, pause.Line);
        var invalidate = Assert.Single(phase.After);
        var http = Assert.IsType<HttpHookAction>(invalidate.Action);
        Assert.Equal(("POST", 4, TimeSpan.FromMilliseconds(100), HttpHookAction.DefaultTimeout), (http.Method, http.Attempts, http.Backoff, http.Timeout));
        Assert.Equal([200, 204], http.ExpectStatus);
        Assert.Equal("Bearer ${secret:SHOP_TOKEN}", Assert.Single(http.Headers).Value);
        Assert.Null(invalidate.Revert);
        Assert.Equal("the cache refills itself from the database", invalidate.NoRevertReason);
    }

    [Theory]
    // 1: unknown keys, with the closest known one
    [InlineData(1, "  afterwards: []", ErrorCodes.UnknownKey, 12, "unknown key 'afterwards'")]
    [InlineData(1, $"  after:\n    - name: a\n      {Http}\n      {Revert}\n      retry: 2", ErrorCodes.UnknownKey, 16, "unknown key 'retry'")]
    [InlineData(1, "  after:\n    - name: a\n      http: {url: 'https://x/y', timout: 1s}\n      revert: none\n      reason: r", ErrorCodes.UnknownKey, 14, "unknown key 'timout'")]
    // 2: shapes
    [InlineData(2, "  after: invalidate", ErrorCodes.BadHook, 12, "must be a list")]
    [InlineData(2, "  after:\n    - name: a\n      http: {url: 'https://x/y', headers: [a, b]}\n      revert: none\n      reason: r", ErrorCodes.BadHook, 14, "headers")]
    // 3, 4, 5: names
    [InlineData(3, $"  after:\n    - {Http}\n      {Revert}", ErrorCodes.MissingKey, 13, "has no 'name'")]
    [InlineData(4, $"  after:\n    - name: Flush Cache\n      {Http}\n      {Revert}", ErrorCodes.BadHook, 13, "'Flush Cache' is not valid")]
    [InlineData(5, $"  before:\n    - name: a\n      {Http}\n      {Revert}\n  after:\n    - name: a\n      {Http}\n      {Revert}", ErrorCodes.BadHook, 17, "appears twice")]
    // 6: one action
    [InlineData(6, $"  after:\n    - name: a\n      {Revert}", ErrorCodes.BadHook, 13, "neither 'http' and 'command'")]
    [InlineData(6, $"  after:\n    - name: a\n      {Http}\n      command: {{argv: [true]}}\n      {Revert}", ErrorCodes.BadHook, 15, "both 'http' and 'command'")]
    // 7: placeholders
    [InlineData(7, "  after:\n    - name: a\n      http: {url: 'https://x/${user}'}\n      revert: none\n      reason: r", ErrorCodes.BadHook, 14, "'${user}'")]
    [InlineData(7, "  after:\n    - name: a\n      command: {argv: [echo, '${secret:}']}\n      revert: none\n      reason: r", ErrorCodes.BadHook, 14, "'${secret:}'")]
    // 8, 9, 10: url, method, status
    [InlineData(8, "  after:\n    - name: a\n      http: {url: 'cache/flush'}\n      revert: none\n      reason: r", ErrorCodes.BadHook, 14, "not an absolute http or https url")]
    [InlineData(8, "  after:\n    - name: a\n      http: {url: 'ftp://x/y'}\n      revert: none\n      reason: r", ErrorCodes.BadHook, 14, "not an absolute http or https url")]
    [InlineData(9, "  after:\n    - name: a\n      http: {url: 'https://x/y', method: FLUSH}\n      revert: none\n      reason: r", ErrorCodes.BadHook, 14, "'FLUSH'")]
    [InlineData(10, "  after:\n    - name: a\n      http: {url: 'https://x/y', expect: 2000}\n      revert: none\n      reason: r", ErrorCodes.BadHook, 14, "not an HTTP status")]
    // 11, 12: durations and attempts
    [InlineData(11, "  after:\n    - name: a\n      http: {url: 'https://x/y', timeout: 0s}\n      revert: none\n      reason: r", ErrorCodes.BadHook, 14, "'timeout' of hook 'a' of phase 'add' is zero")]
    [InlineData(11, "  after:\n    - name: a\n      http: {url: 'https://x/y', backoff: soon}\n      revert: none\n      reason: r", ErrorCodes.BadDuration, 14, "'soon', not a duration")]
    [InlineData(12, "  after:\n    - name: a\n      command: {argv: [true], retries: 0}\n      revert: none\n      reason: r", ErrorCodes.BadValue, 14, "'retries'")]
    // 13, 14: commands
    [InlineData(13, "  after:\n    - name: a\n      command: {argv: []}\n      revert: none\n      reason: r", ErrorCodes.BadHook, 14, "has no argv")]
    [InlineData(13, "  after:\n    - name: a\n      command: {timeout: 1s}\n      revert: none\n      reason: r", ErrorCodes.BadHook, 14, "has no argv")]
    [InlineData(14, "  after:\n    - name: a\n      command: {argv: [true], working_dir: ../..}\n      revert: none\n      reason: r", ErrorCodes.BadHook, 14, "not a folder inside the plan folder")]
    // 15: credentials inline
    [InlineData(15, "  after:\n    - name: a\n      http: {url: 'https://x/y', headers: {Authorization: Bearer abc123}}\n      revert: none\n      reason: r", ErrorCodes.HookSecret, 14, "header 'Authorization'")]
    [InlineData(15, "  after:\n    - name: a\n      http: {url: 'https://admin:hunter2@x/y'}\n      revert: none\n      reason: r", ErrorCodes.HookSecret, 14, "user info")]
    [InlineData(15, "  after:\n    - name: a\n      http: {url: 'https://x/y?api_key=abc123'}\n      revert: none\n      reason: r", ErrorCodes.HookSecret, 14, "'api_key'")]
    [InlineData(15, "  after:\n    - name: a\n      command: {argv: [redis-cli, --pass, hunter2, FLUSHDB]}\n      revert: none\n      reason: r", ErrorCodes.HookSecret, 14, "'--pass'")]
    [InlineData(15, "  after:\n    - name: a\n      command: {argv: [tool, '--token=abc']}\n      revert: none\n      reason: r", ErrorCodes.HookSecret, 14, "'--token=abc'")]
    // 16, 17, 18: reverts
    [InlineData(16, $"  after:\n    - name: a\n      {Http}\n      {Revert}\n      reason: because", ErrorCodes.BadHook, 16, "has a 'reason' but its revert is not 'none'")]
    [InlineData(17, $"  after:\n    - name: a\n      {Http}\n      revert: none", ErrorCodes.HookWithoutRevert, 15, "without a reason")]
    [InlineData(18, $"  after:\n    - name: a\n      {Http}", ErrorCodes.HookWithoutRevert, 13, "has no revert, and the phase has a down")]
    public void A_bad_hook_is_refused_with_its_code_file_and_line(int row, string block, string code, int line, string mentions)
    {
        var error = Assert.Throws<SluiceException>(() => Load(block));

        Assert.True((ErrorKind.Usage, code, line) == (error.Kind, error.Code, error.Line),
            $"row {row}: expected {code} at line {line}, got {error.Code} at line {error.Line}: {error.Message}");
        Assert.EndsWith("plan.yaml", error.File);
        Assert.Contains(mentions, error.Message);
        Assert.False(string.IsNullOrWhiteSpace(error.Remedy));
    }

    [Fact]
    public void A_phase_without_a_down_may_leave_its_hooks_without_a_revert()
    {
        var phase = Load($"  after:\n    - name: a\n      {Http}", down: false);

        Assert.Null(Assert.Single(phase.Hooks.After).Revert);
    }

    [Fact]
    public void The_hooks_are_part_of_the_plan_hash()
    {
        var with = LoadPlan($"  after:\n    - name: a\n      {Http}\n      {Revert}");
        var other = LoadPlan($"  after:\n    - name: b\n      {Http}\n      {Revert}");

        Assert.NotEqual(with.Hash, other.Hash);
    }

    /// <summary>A one-phase plan whose phase (an expand, with a down unless <paramref name="down"/> is false) has
    /// <paramref name="block"/> as its hooks, from line 12 of plan.yaml.</summary>
    internal static MigrationPhase Load(string block, bool down = true) => LoadPlan(block, down).Phases[0];

    private static MigrationPlan LoadPlan(string block, bool down = true)
    {
        using var scratch = new ScratchFolder();
        var folder = Path.Combine(scratch.Path, "0001_hooks");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "up.sql"), "ALTER TABLE t ADD COLUMN c int;");
        File.WriteAllText(Path.Combine(folder, "down.sql"), "ALTER TABLE t DROP COLUMN c;");
        var indented = string.Join("\n", block.ReplaceLineEndings("\n").Split('\n').Select(l => "    " + l));
        File.WriteAllText(Path.Combine(folder, "plan.yaml"), $"""
            id: 0001_hooks
            owner: team
            risk: low
            description: hooks
            max_partial_state: 1h
            phases:
              - name: add
                kind: expand
                up: up.sql
                {(down ? "down: down.sql" : "irreversible: true")}
                hooks:
            {indented}

            """);
        return PlanLoader.Load(folder);
    }
}
