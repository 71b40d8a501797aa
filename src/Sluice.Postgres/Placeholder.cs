namespace Sluice.Postgres; internal static class Placeholder {}
