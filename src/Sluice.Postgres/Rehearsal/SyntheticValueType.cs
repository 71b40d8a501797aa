using System.Globalization;
using System.Text.RegularExpressions;
using NpgsqlTypes;
using Sluice.Rehearsal.Profiles;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// What the generator needs to know about one PostgreSQL type: how to read a statistic's text form, how to place a
/// value on a number line for interpolation between histogram bounds, the next larger value (for unique keys), and
/// how binary COPY writes it.
/// </summary>
internal sealed record SyntheticValueType<T>(
    NpgsqlDbType DbType,
    Func<string, T> Parse,
    Func<T, double>? ToNumber,
    Func<double, T>? FromNumber,
    Func<T, T>? Next,
    IComparer<T> Order) where T : notnull;

internal static partial class SyntheticValueTypes
{
    /// <summary>Builds a column generator for the column's type, or null when the type is not supported.</summary>
    public static ISyntheticColumnFactory? For(ColumnProfile column) => column.Type switch
    {
        "int2" => Factory(Integer(NpgsqlDbType.Smallint, v => (short)v, v => v, s => short.Parse(s, CultureInfo.InvariantCulture))),
        "int4" => Factory(Integer(NpgsqlDbType.Integer, v => (int)v, v => v, s => int.Parse(s, CultureInfo.InvariantCulture))),
        "int8" => Factory(Integer(NpgsqlDbType.Bigint, v => (long)v, v => v, s => long.Parse(s, CultureInfo.InvariantCulture))),
        "numeric" => Factory(Numeric(column.TypeModifier)),
        "float8" => Factory(new SyntheticValueType<double>(NpgsqlDbType.Double, s => double.Parse(s, CultureInfo.InvariantCulture), v => v, v => v, Math.BitIncrement, Comparer<double>.Default)),
        "float4" => Factory(new SyntheticValueType<float>(NpgsqlDbType.Real, s => float.Parse(s, CultureInfo.InvariantCulture), v => v, v => (float)v, MathF.BitIncrement, Comparer<float>.Default)),
        "text" => Factory(Text(NpgsqlDbType.Text)),
        "varchar" => Factory(Text(NpgsqlDbType.Varchar)),
        "bpchar" => Factory(Text(NpgsqlDbType.Char)),
        "citext" => Factory(Text(NpgsqlDbType.Citext)),
        "bool" => Factory(new SyntheticValueType<bool>(NpgsqlDbType.Boolean, s => s is "t" or "true", null, null, null, Comparer<bool>.Default)),
        "date" => Factory(new SyntheticValueType<DateOnly>(NpgsqlDbType.Date, s => DateOnly.Parse(s, CultureInfo.InvariantCulture),
            v => v.DayNumber, v => DateOnly.FromDayNumber((int)Math.Round(v)), v => v.AddDays(1), Comparer<DateOnly>.Default)),
        "timestamptz" => Factory(Timestamp(NpgsqlDbType.TimestampTz, DateTimeKind.Utc)),
        "timestamp" => Factory(Timestamp(NpgsqlDbType.Timestamp, DateTimeKind.Unspecified)),
        "uuid" => Factory(new SyntheticValueType<Guid>(NpgsqlDbType.Uuid, Guid.Parse, null, null, null, Comparer<Guid>.Default)),
        _ => null,
    };

    private static SyntheticColumnFactory<T> Factory<T>(SyntheticValueType<T> type) where T : notnull => new(type);

    private static SyntheticValueType<T> Integer<T>(NpgsqlDbType dbType, Func<double, T> from, Func<T, double> to, Func<string, T> parse) where T : notnull =>
        new(dbType, parse, to, v => from(Math.Round(v)), v => from(to(v) + 1), Comparer<T>.Default);

    private static SyntheticValueType<decimal> Numeric(int typeModifier)
    {
        // numeric(p,s) stores ((p << 16) | s) + 4; without a modifier, keep six places.
        var scale = typeModifier >= 4 ? (typeModifier - 4) & 0xffff : 6;
        var step = 1m / (decimal)Math.Pow(10, scale);
        return new(NpgsqlDbType.Numeric, s => decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
            v => (double)v, v => Math.Round((decimal)v, scale, MidpointRounding.AwayFromZero), v => v + step, Comparer<decimal>.Default);
    }

    private static SyntheticValueType<string> Text(NpgsqlDbType dbType) =>
        new(dbType, s => s, null, null, null, StringComparer.Ordinal);

    private static SyntheticValueType<DateTime> Timestamp(NpgsqlDbType dbType, DateTimeKind kind) =>
        new(dbType, s => ParseTimestamp(s, kind),
            v => (v.Ticks - DateTime.UnixEpoch.Ticks) / 10.0,
            v => new DateTime(DateTime.UnixEpoch.Ticks + (long)Math.Round(v) * 10, kind),
            v => v.AddTicks(10), Comparer<DateTime>.Default);

    // pg_stats prints timestamptz as '2024-01-01 00:17:00+00' (TimeZone pinned to UTC by the profiler).
    private static DateTime ParseTimestamp(string text, DateTimeKind kind)
    {
        var withoutOffset = ShortOffset().Replace(text, "");
        var value = DateTime.Parse(withoutOffset, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces);
        return DateTime.SpecifyKind(value, kind);
    }

    [GeneratedRegex(@"[+-]\d\d(:\d\d)?$")]
    private static partial Regex ShortOffset();
}
