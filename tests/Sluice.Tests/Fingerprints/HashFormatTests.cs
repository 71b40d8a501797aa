using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Fingerprints;

namespace Sluice.Tests.Fingerprints;

public sealed class HashFormatTests
{
    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    [Fact]
    public void A_fingerprint_written_before_the_format_field_reads_as_the_old_format_and_a_new_one_keeps_its_own()
    {
        var table = new TableFingerprint("public.t", ["id"], [new ColumnInfo("id", "integer", true, "pg_catalog.hashint4extended")],
            [new ChunkHash(KeyRange.All, 3, 42)]) { HashFormat = HashFormats.Current };
        var json = JsonSerializer.SerializeToNode(table, SnakeCase)!.AsObject();
        Assert.Equal(HashFormats.Current, json["hash_format"]!.GetValue<int>());

        var roundTrip = JsonSerializer.Deserialize<TableFingerprint>(json.ToJsonString(), SnakeCase)!;
        json.Remove("hash_format");
        var older = JsonSerializer.Deserialize<TableFingerprint>(json.ToJsonString(), SnakeCase)!;

        Assert.Equal(HashFormats.PerColumnByName, roundTrip.HashFormat);
        Assert.Equal(HashFormats.RecordInColumnOrder, older.HashFormat);
    }
}
