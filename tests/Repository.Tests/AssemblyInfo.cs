using Sluice.Testing.Postgres;

// One cluster for the whole run, for the in-process session tests (the command-line tests provision their own).
[assembly: AssemblyFixture(typeof(PostgresFixture))]
