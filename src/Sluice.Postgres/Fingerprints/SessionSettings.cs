namespace Sluice.Postgres.Fingerprints;

/// <summary>
/// Settings pinned on every fingerprint connection. A value's text form (hashed for types without a hash function,
/// and the spelling of keys) depends on them, so two servers configured differently must still agree (DESIGN §6).
/// JIT is off because compiling the hash expression costs more than it saves on chunk-sized scans.
/// </summary>
internal static class SessionSettings
{
    public const string Sql = """
        SET DateStyle = 'ISO, YMD';
        SET IntervalStyle = 'iso_8601';
        SET TimeZone = 'UTC';
        SET extra_float_digits = 3;
        SET bytea_output = 'hex';
        SET lc_monetary = 'C';
        SET jit = off;
        SET statement_timeout = 0;
        """;
}
