using Sluice.Testing.Postgres;

[assembly: AssemblyFixture(typeof(PostgresFixture))]

[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
