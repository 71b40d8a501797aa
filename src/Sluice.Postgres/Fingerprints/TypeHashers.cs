using Npgsql;

namespace Sluice.Postgres.Fingerprints;

/// <summary>A function that hashes a value of one column type directly: <c>Function(value::ArgumentType, seed)</c>.</summary>
internal sealed record TypeHasher(string Function, string ArgumentType);

/// <summary>How values of one column type are hashed: by a hash function of their own (<see cref="Hashable"/>; through
/// their text form when not), directly by <see cref="Hasher"/> when SQL can call it on them.</summary>
internal sealed record TypeHashing(bool Hashable, TypeHasher? Hasher);

/// <summary>
/// Finds, per column type, the function <c>hash_record_extended</c> itself would call for it (the extended support
/// function of the type's default hash operator class), when SQL can call it on the column without converting the
/// value. <c>hash_record_extended(ROW(...))</c> builds a tuple of every row only to take it apart again, which costs
/// about a third of a fingerprint; calling the type's function per column skips that and keeps its guarantees (equal
/// values hash equal: 1.0 and 1.00, -0.0 and 0.0).
/// </summary>
internal static class TypeHashers
{
    // An exact operator class first; else one the type is binary-coercible to, the category's preferred type first
    // (varchar hashes as text, never as bpchar, which would ignore trailing spaces). Domains hash as their base type.
    // The argument type is named by its catalog name: "character" would cast to char(1), "bpchar" keeps every character.
    private const string Sql = """
        WITH RECURSIVE chain(oid, base) AS (
            SELECT t.oid, t.typbasetype FROM pg_type t WHERE t.oid = $1::regtype
            UNION ALL SELECT t.oid, t.typbasetype FROM pg_type t JOIN chain c ON t.oid = c.base WHERE c.base <> 0),
        base AS (SELECT oid FROM chain WHERE base = 0)
        SELECT quote_ident(n.nspname) || '.' || quote_ident(pr.proname), quote_ident(an.nspname) || '.' || quote_ident(at.typname)
        FROM base b
        JOIN pg_opclass c ON c.opcdefault AND c.opcmethod = (SELECT oid FROM pg_am WHERE amname = 'hash')
        JOIN pg_amproc p ON p.amprocfamily = c.opcfamily AND p.amproclefttype = c.opcintype AND p.amprocrighttype = c.opcintype AND p.amprocnum = 2
        JOIN pg_proc pr ON pr.oid = p.amproc
        JOIN pg_namespace n ON n.oid = pr.pronamespace
        JOIN pg_type ct ON ct.oid = c.opcintype
        JOIN pg_type at ON at.oid = pr.proargtypes[0]
        JOIN pg_namespace an ON an.oid = at.typnamespace
        WHERE (c.opcintype = b.oid OR EXISTS (SELECT FROM pg_cast k WHERE k.castsource = b.oid AND k.casttarget = c.opcintype AND k.castmethod = 'b' AND k.castcontext = 'i'))
          AND (pr.proargtypes[0] = c.opcintype OR EXISTS (SELECT FROM pg_cast k WHERE k.castsource = c.opcintype AND k.casttarget = pr.proargtypes[0] AND k.castmethod = 'b'))
        ORDER BY c.opcintype = b.oid DESC, ct.typispreferred DESC, c.oid
        LIMIT 1
        """;

    /// <summary>
    /// How <paramref name="type"/> hashes. Hashable when <c>hash_record_extended</c> can hash it the same way in any
    /// database: probed with a NULL of the type (the lookup happens even for NULL), inside a savepoint so a refusal does
    /// not end the snapshot's transaction; enums, reg* types and the types holding them are not
    /// (<see cref="HashesLocalOidsAsync"/>).
    /// </summary>
    public static async Task<TypeHashing> HashingAsync(NpgsqlConnection connection, string type, CancellationToken cancellationToken)
    {
        await using var probe = new NpgsqlCommand($"SAVEPOINT sluice_probe; SELECT hash_record_extended(ROW(NULL::{type}), 0)", connection);
        try
        {
            await probe.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedFunction)
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK TO SAVEPOINT sluice_probe", connection);
            await rollback.ExecuteNonQueryAsync(cancellationToken);
            return new TypeHashing(false, null);
        }
        await using (var release = new NpgsqlCommand("RELEASE SAVEPOINT sluice_probe", connection))
            await release.ExecuteNonQueryAsync(cancellationToken);
        if (await HashesLocalOidsAsync(connection, type, cancellationToken)) return new TypeHashing(false, null);
        return new TypeHashing(true, await ResolveAsync(connection, type, cancellationToken));
    }

    /// <summary>The direct hash function of <paramref name="type"/>, or null when its values must go through
    /// <c>hash_record_extended</c> (date, boolean, bytea, arrays: their functions take another SQL type).</summary>
    private static async Task<TypeHasher?> ResolveAsync(NpgsqlConnection connection, string type, CancellationToken cancellationToken)
    {
        if (IsTimestampWithTimeZone(type)) return TimestampWithTimeZone;
        await using var command = new NpgsqlCommand(Sql, connection) { Parameters = { new() { Value = type } } };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new TypeHasher(reader.GetString(0), reader.GetString(1));
    }

    // An enum's hash function hashes the label's OID, and a reg* value (regclass, regtype, ...) is an OID: both differ
    // between two databases holding the same data (a restored dump, a rebuilt rehearsal). A type that is or holds one
    // (array, domain, range, multirange, composite) hashes through its text form instead.
    private const string LocalOidsSql = """
        WITH RECURSIVE parts(oid) AS (
            SELECT $1::regtype::oid
            UNION
            SELECT sub.part FROM parts p JOIN pg_type t ON t.oid = p.oid
            CROSS JOIN LATERAL (
                SELECT t.typelem WHERE t.typelem <> 0 AND t.typsubscript = 'array_subscript_handler'::regproc
                UNION ALL SELECT t.typbasetype WHERE t.typbasetype <> 0
                UNION ALL SELECT r.rngsubtype FROM pg_range r WHERE r.rngtypid = t.oid
                UNION ALL SELECT r.rngtypid FROM pg_range r WHERE r.rngmultitypid = t.oid
                UNION ALL SELECT a.atttypid FROM pg_attribute a WHERE t.typrelid <> 0 AND a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
            ) AS sub(part))
        SELECT EXISTS (SELECT FROM parts p JOIN pg_type t ON t.oid = p.oid
                       WHERE t.typtype = 'e' OR (t.typnamespace = 'pg_catalog'::regnamespace AND t.typname LIKE 'reg%'))
        """;

    /// <summary>Whether values of <paramref name="type"/> hash by OIDs local to one database (enums, reg* types, and
    /// types that hold them), so the same data in two databases would hash differently.</summary>
    private static async Task<bool> HashesLocalOidsAsync(NpgsqlConnection connection, string type, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(LocalOidsSql, connection) { Parameters = { new() { Value = type } } };
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    // timestamptz's hash function is timestamp's, which SQL will not call on a timestamptz. Fingerprint sessions pin
    // TimeZone to UTC, where the cast to timestamp keeps the stored value exactly, so the cast is safe and cheap.
    private static readonly TypeHasher TimestampWithTimeZone = new("pg_catalog.timestamp_hash_extended", "pg_catalog.\"timestamp\"");

    private static bool IsTimestampWithTimeZone(string type) => type is "timestamp with time zone" or "timestamptz"
        || type.StartsWith("timestamp(", StringComparison.Ordinal) && type.EndsWith(") with time zone", StringComparison.Ordinal);
}
