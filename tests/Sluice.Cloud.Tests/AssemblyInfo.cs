using Sluice.Testing.Postgres;

[assembly: AssemblyFixture(typeof(PostgresFixture))]
