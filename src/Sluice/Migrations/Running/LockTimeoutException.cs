namespace Sluice.Migrations.Running;

/// <summary>A phase or batch gave up waiting for a lock (PostgreSQL's SQLSTATE 55P03); the runner retries it.</summary>
public sealed class LockTimeoutException(string message, Exception? inner = null) : Exception(message, inner);
