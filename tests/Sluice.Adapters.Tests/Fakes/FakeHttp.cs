using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Sluice.Adapters.Tests.Fakes;

/// <summary>One request as a fake received it, for the tests' assertions.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, string? Body);

/// <summary>What the fakes of cloud APIs do alike: keep a log of requests, demand one bearer token, read and write JSON.</summary>
public static class FakeHttp
{
    /// <summary>Records every request into <paramref name="log"/>, then lets it through only with <c>Bearer token</c>.</summary>
    public static void RecordAndRequireBearer(WebApplication app, ConcurrentQueue<RecordedRequest> log, string token, Func<HttpContext, Task> unauthorized)
    {
        app.Use(async (c, next) =>
        {
            c.Request.EnableBuffering();
            var body = c.Request.ContentLength > 0 ? await new StreamReader(c.Request.Body).ReadToEndAsync() : null;
            c.Request.Body.Position = 0;
            log.Enqueue(new RecordedRequest(c.Request.Method, c.Request.Path.Value!, c.Request.QueryString.Value ?? "", body));
            if (c.Request.Headers.Authorization.ToString() != $"Bearer {token}") await unauthorized(c);
            else await next(c);
        });
    }

    public static async Task<JsonObject?> ReadObjectAsync(HttpContext c)
    {
        try { return JsonNode.Parse(await new StreamReader(c.Request.Body).ReadToEndAsync()) as JsonObject; }
        catch (JsonException) { return null; }
    }

    public static async Task WriteJsonAsync(HttpContext c, int status, JsonNode body)
    {
        c.Response.StatusCode = status;
        c.Response.ContentType = "application/json; charset=utf-8";
        await c.Response.WriteAsync(body.ToJsonString());
    }
}
