using Sluice.Testing.Postgres;

[assembly: AssemblyFixture(typeof(PostgresFixture))]

// Local clusters, runuser and unix sockets: these tests describe Linux and macOS machines.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
