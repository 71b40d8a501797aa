using System.Globalization;
using System.Text.RegularExpressions;
using NpgsqlTypes;
using Sluice.Rehearsal.Profiles;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// What the generator needs to know about one PostgreSQL type: how to read a statistic's text form, how to place a
/// value on a number line for interpolation between histogram bounds, its grid of representable values (for unique
/// keys), and how binary COPY writes it.
/// </summary>
internal sealed record SyntheticValueType<T>(
    NpgsqlDbType DbType,
    Func<string, T> Parse,
    Func<T, double>? ToNumber,
    Func<double, T>? FromNumber,
    SyntheticGrid<T>? Grid,
    IComparer<T> Order) where T : notnull;

/// <summary>
/// A type's representable values numbered in order (an integer's value, a numeric's multiples of its scale, a date's
/// day, a timestamp's microsecond, a float's ordered bit pattern): index i + 1 is the next larger value after index i,
/// and <c>Value(Index(v) + t)</c> is the value t steps after v, computed in O(1) (unique keys need both).
/// </summary>
internal sealed record SyntheticGrid<T>(Func<T, long> Index, Func<long, T> Value)
{
    public T Next(T value) => Value(Index(value) + 1);
}

internal static partial class SyntheticValueTypes
{
    /// <summary>Builds a column generator for the column's type, or null when the type is not supported.</summary>
    public static ISyntheticColumnFactory? For(ColumnProfile column) => column.Type switch
    {
        "int2" => Factory(Integer(NpgsqlDbType.Smallint, v => (short)v, v => v, s => short.Parse(s, CultureInfo.InvariantCulture), new(v => v, i => (short)i))),
        "int4" => Factory(Integer(NpgsqlDbType.Integer, v => (int)v, v => v, s => int.Parse(s, CultureInfo.InvariantCulture), new(v => v, i => (int)i))),
        "int8" => Factory(Integer(NpgsqlDbType.Bigint, v => (long)v, v => v, s => long.Parse(s, CultureInfo.InvariantCulture), new(v => v, i => i))),
        "numeric" => Factory(Numeric(column.TypeModifier)),
        "float8" => Factory(new SyntheticValueType<double>(NpgsqlDbType.Double, s => double.Parse(s, CultureInfo.InvariantCulture), v => v, v => v,
            new(OrderedBits, FromOrderedBits), Comparer<double>.Default)),
        "float4" => Factory(new SyntheticValueType<float>(NpgsqlDbType.Real, s => float.Parse(s, CultureInfo.InvariantCulture), v => v, v => (float)v,
            new(v => OrderedBits(v), i => FromOrderedBits32(i)), Comparer<float>.Default)),
        "text" => Factory(Text(NpgsqlDbType.Text)),
        "varchar" => Factory(Text(NpgsqlDbType.Varchar)),
        "bpchar" => Factory(Text(NpgsqlDbType.Char)),
        "citext" => Factory(Text(NpgsqlDbType.Citext)),
        "bool" => Factory(new SyntheticValueType<bool>(NpgsqlDbType.Boolean, s => s is "t" or "true", null, null, null, Comparer<bool>.Default)),
        "date" => Factory(new SyntheticValueType<DateOnly>(NpgsqlDbType.Date, s => DateOnly.Parse(s, CultureInfo.InvariantCulture),
            v => v.DayNumber, v => DateOnly.FromDayNumber((int)Math.Round(v)), new(v => v.DayNumber, i => DateOnly.FromDayNumber((int)i)), Comparer<DateOnly>.Default)),
        "timestamptz" => Factory(Timestamp(NpgsqlDbType.TimestampTz, DateTimeKind.Utc)),
        "timestamp" => Factory(Timestamp(NpgsqlDbType.Timestamp, DateTimeKind.Unspecified)),
        "uuid" => Factory(new SyntheticValueType<Guid>(NpgsqlDbType.Uuid, Guid.Parse, null, null, null, Comparer<Guid>.Default)),
        _ => null,
    };

    private static SyntheticColumnFactory<T> Factory<T>(SyntheticValueType<T> type) where T : notnull => new(type);

    private static SyntheticValueType<T> Integer<T>(NpgsqlDbType dbType, Func<double, T> from, Func<T, double> to, Func<string, T> parse, SyntheticGrid<T> grid) where T : notnull =>
        new(dbType, parse, to, v => from(Math.Round(v)), grid, Comparer<T>.Default);

    private static SyntheticValueType<decimal> Numeric(int typeModifier)
    {
        // numeric(p,s) stores ((p << 16) | s) + 4; without a modifier, keep six places.
        var scale = typeModifier >= 4 ? (typeModifier - 4) & 0xffff : 6;
        var step = 1m / (decimal)Math.Pow(10, scale);
        // The grid counts multiples of the scale in a long: numeric(18+, s) values beyond ±9.2e18 steps saturate (a
        // unique key so large would then repeat at the edge, and its rebuild names the key).
        return new(NpgsqlDbType.Numeric, s => decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
            v => (double)v, v => Math.Round((decimal)v, scale, MidpointRounding.AwayFromZero),
            new(v => Saturated(decimal.Round(v / step)), i => i * step), Comparer<decimal>.Default);
    }

    private static SyntheticValueType<string> Text(NpgsqlDbType dbType) =>
        new(dbType, s => s, null, null, null, StringComparer.Ordinal);

    private static long Saturated(decimal value) => value >= long.MaxValue ? long.MaxValue : value <= long.MinValue ? long.MinValue : (long)value;

    // A double's bits read as a signed integer grow with the value for positive numbers and shrink for negative ones;
    // flipping the negative half gives one increasing count over every double (-0 and +0 share index 0).
    private static long OrderedBits(double value)
    {
        var bits = BitConverter.DoubleToInt64Bits(value);
        return bits >= 0 ? bits : long.MinValue - bits;
    }

    private static double FromOrderedBits(long index) => BitConverter.Int64BitsToDouble(index >= 0 ? index : long.MinValue - index);

    private static long OrderedBits(float value)
    {
        var bits = BitConverter.SingleToInt32Bits(value);
        return bits >= 0 ? bits : (long)int.MinValue - bits;
    }

    private static float FromOrderedBits32(long index) => BitConverter.Int32BitsToSingle((int)(index >= 0 ? index : int.MinValue - index));

    private static SyntheticValueType<DateTime> Timestamp(NpgsqlDbType dbType, DateTimeKind kind) =>
        new(dbType, s => ParseTimestamp(s, kind),
            v => (v.Ticks - DateTime.UnixEpoch.Ticks) / 10.0,
            v => new DateTime(DateTime.UnixEpoch.Ticks + (long)Math.Round(v) * 10, kind),
            new(v => (v.Ticks - DateTime.UnixEpoch.Ticks) / 10, i => new DateTime(DateTime.UnixEpoch.Ticks + i * 10, kind)), Comparer<DateTime>.Default);

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
