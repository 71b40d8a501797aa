namespace Sluice.Postgres.Databases;

/// <summary>How <c>CREATE DATABASE ... TEMPLATE</c> copies (PostgreSQL 15+).</summary>
public enum CloneStrategy
{
    /// <summary>Copies the files after a checkpoint; fast for big templates, and the checkpoint is cheap with <c>fsync=off</c>.</summary>
    FileCopy,
    /// <summary>Copies block by block through the WAL (PostgreSQL 15's default); cheaper for tiny templates on a busy server.</summary>
    WalLog,
}

/// <summary>What to do when someone is connected to the template (cloning would fail).</summary>
public enum TemplateConnections
{
    /// <summary>Fail with a message naming the sessions.</summary>
    Refuse,
    /// <summary>End their sessions (<c>pg_terminate_backend</c>) and clone.</summary>
    Terminate,
}
