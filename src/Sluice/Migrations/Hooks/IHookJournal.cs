namespace Sluice.Migrations.Hooks;

/// <summary>Where hook runs are kept: in the environment's journal (schema <c>sluice</c>), each in its own transaction so
/// it survives the failure that follows it.</summary>
public interface IHookJournal
{
    /// <summary>Every run of a hook of one phase, oldest first.</summary>
    Task<IReadOnlyList<HookRunRecord>> ReadAsync(string planId, string phase, CancellationToken cancellationToken);

    Task RecordAsync(HookRunRecord run, string environment, string by, CancellationToken cancellationToken);
}
