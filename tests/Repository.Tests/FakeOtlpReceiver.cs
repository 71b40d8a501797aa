using Sluice.Testing.Servers;

namespace Repository.Tests;

/// <summary>
/// A fake OTLP/HTTP collector on loopback (OpenTelemetry.Proto is not served, so no real one): it accepts the
/// exporter's POSTs to <c>/v1/traces</c> and <c>/v1/metrics</c> and decodes the spans from the protobuf wire format
/// of <c>opentelemetry/proto/collector/trace/v1</c> (ExportTraceServiceRequest → resource_spans 1 → scope_spans 2 →
/// scope 1 (name 1), spans 2; Span: trace_id 1, span_id 2, parent_span_id 4, name 5).
/// </summary>
internal sealed class FakeOtlpReceiver : IDisposable
{
    private readonly List<OtlpSpan> _spans = [];
    private readonly List<string> _paths = [];
    private readonly LoopbackHttpServer _server;

    public sealed record OtlpSpan(string Scope, string TraceId, string SpanId, string ParentSpanId, string Name);

    public FakeOtlpReceiver() => _server = new LoopbackHttpServer((path, body) =>
    {
        lock (_spans)
        {
            _paths.Add(path);
            if (path == "/v1/traces") _spans.AddRange(DecodeSpans(body));
        }
    });

    public Uri Address => _server.Address;

    public IReadOnlyList<OtlpSpan> Spans
    {
        get { lock (_spans) return [.. _spans]; }
    }

    public IReadOnlyList<string> Paths
    {
        get { lock (_spans) return [.. _paths]; }
    }

    private static IEnumerable<OtlpSpan> DecodeSpans(byte[] request) =>
        from resourceSpans in Fields(request, 1)
        from scopeSpans in Fields(resourceSpans, 2)
        let scope = Text(Fields(Fields(scopeSpans, 1).FirstOrDefault() ?? [], 1).FirstOrDefault())
        from span in Fields(scopeSpans, 2)
        select new OtlpSpan(scope, Hex(Fields(span, 1).FirstOrDefault()), Hex(Fields(span, 2).FirstOrDefault()), Hex(Fields(span, 4).FirstOrDefault()),
            Text(Fields(span, 5).FirstOrDefault()));

    private static string Text(byte[]? bytes) => System.Text.Encoding.UTF8.GetString(bytes ?? []);

    private static string Hex(byte[]? bytes) => bytes is null ? "" : Convert.ToHexStringLower(bytes);

    /// <summary>The length-delimited fields numbered <paramref name="number"/> of one protobuf message.</summary>
    private static IEnumerable<byte[]> Fields(byte[] message, int number)
    {
        var found = new List<byte[]>();
        var at = 0;
        while (at < message.Length)
        {
            var key = Varint(message, ref at);
            var (field, wire) = ((int)(key >> 3), (int)(key & 7));
            switch (wire)
            {
                case 0: Varint(message, ref at); break;
                case 1: at += 8; break;
                case 5: at += 4; break;
                case 2:
                    var length = (int)Varint(message, ref at);
                    if (field == number) found.Add(message[at..(at + length)]);
                    at += length;
                    break;
                default: throw new InvalidDataException($"wire type {wire} at {at}: not OTLP protobuf");
            }
        }
        return found;
    }

    private static ulong Varint(byte[] data, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
    }

    public void Dispose() => _server.Dispose();
}
