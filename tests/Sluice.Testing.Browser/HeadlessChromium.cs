using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sluice.Testing.Browser;

/// <summary>
/// Opens a file in the machine's Chromium (headless) and reports what a person would have seen, over the DevTools
/// protocol: no Playwright download, no driver, just the browser the OS packages ship. A missing browser is a
/// failure with the install command, never a skip: a report nobody opened is not tested.
/// </summary>
public static class HeadlessChromium
{
    public const string InstallHint = "chromium is missing: install it with `sudo apt-get install -y chromium` (Debian/Ubuntu), or set SLUICE_CHROMIUM to a Chromium or Chrome binary";

    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    public static string Executable() =>
        (Environment.GetEnvironmentVariable("SLUICE_CHROMIUM") is { Length: > 0 } set ? [set] : Candidates).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(InstallHint);

    /// <summary>Keeps a copy of <paramref name="file"/> in the <c>artifacts</c> folder beside the test assembly and visits it
    /// (<see cref="VisitAsync"/>) with its screenshot <paramref name="screenshotName"/> there: a page that failed its
    /// checks can be opened afterwards.</summary>
    public static async Task<PageVisit> VisitKeptAsync(string file, string screenshotName, CancellationToken ct)
    {
        var artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(artifacts);
        File.Copy(file, Path.Combine(artifacts, Path.GetFileName(file)), overwrite: true);
        return await VisitAsync(file, Path.Combine(artifacts, screenshotName), ct);
    }

    /// <summary>Loads <paramref name="file"/>, waits for its load event, measures its SVGs and writes a full-page PNG to <paramref name="screenshot"/>.</summary>
    public static async Task<PageVisit> VisitAsync(string file, string screenshot, CancellationToken ct)
    {
        var profile = Directory.CreateTempSubdirectory("sluice-chromium-");
        using var browser = Process.Start(new ProcessStartInfo(Executable())
        {
            ArgumentList =
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--remote-debugging-port=0",
                $"--user-data-dir={profile.FullName}", "about:blank",
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromMinutes(2)); // a loaded machine starts a browser slowly; a hung one must not hang the suite
            await using var session = await DevToolsSession.ConnectAsync(await EndpointAsync(browser, timeout.Token), timeout.Token);
            return await session.VisitAsync(new Uri(Path.GetFullPath(file)).AbsoluteUri, screenshot, timeout.Token);
        }
        finally
        {
            if (!browser.HasExited) browser.Kill(entireProcessTree: true);
            await browser.WaitForExitAsync(CancellationToken.None);
            try { profile.Delete(recursive: true); } catch (IOException) { /* a crash dump still being written; the temp folder is cleaned by the OS */ }
        }
    }

    private static async Task<Uri> EndpointAsync(Process browser, CancellationToken ct)
    {
        var seen = new StringBuilder();
        while (await browser.StandardError.ReadLineAsync(ct) is { } line)
        {
            const string marker = "DevTools listening on ";
            if (line.StartsWith(marker, StringComparison.Ordinal)) return new Uri(line[marker.Length..].Trim());
            seen.AppendLine(line);
        }
        throw new InvalidOperationException($"chromium exited ({browser.ExitCode}) before its DevTools endpoint was up:\n{seen}");
    }

    /// <summary>One page target attached in flat mode: commands carry its session id, events come back on the same socket.</summary>
    private sealed class DevToolsSession : IAsyncDisposable
    {
        private const string Measure = """
            JSON.stringify({
              svgs: [...document.querySelectorAll('svg')].map(s => { const r = s.getBoundingClientRect();
                return { w: r.width, h: r.height, marks: [...s.querySelectorAll('rect,line,text')].filter(m => { const b = m.getBoundingClientRect(); return b.width > 0 && b.height > 0; }).length }; }),
              rows: document.querySelectorAll('table tbody tr').length,
              text: document.body.innerText })
            """;

        private readonly ClientWebSocket socket = new();
        private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode>> pending = new();
        private readonly ConcurrentQueue<string> requests = new();
        private readonly ConcurrentQueue<string> errors = new();
        private readonly CancellationTokenSource stop = new();
        private Task reader = Task.CompletedTask;
        private int nextId;
        private string? sessionId;

        public static async Task<DevToolsSession> ConnectAsync(Uri endpoint, CancellationToken ct)
        {
            var session = new DevToolsSession();
            await session.socket.ConnectAsync(endpoint, ct);
            session.reader = Task.Run(() => session.ReadAsync(session.stop.Token), CancellationToken.None);
            var target = await session.SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" }, ct);
            var attached = await session.SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = target["targetId"]!.GetValue<string>(), ["flatten"] = true }, ct);
            session.sessionId = attached["sessionId"]!.GetValue<string>();
            foreach (var domain in new[] { "Page", "Runtime", "Network", "Log" }) await session.SendAsync($"{domain}.enable", new JsonObject(), ct);
            return session;
        }

        public async Task<PageVisit> VisitAsync(string url, string screenshot, CancellationToken ct)
        {
            await SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = 1280, ["height"] = 900, ["deviceScaleFactor"] = 1, ["mobile"] = false }, ct);
            var navigation = await SendAsync("Page.navigate", new JsonObject { ["url"] = url }, ct);
            if (navigation["errorText"] is { } failed) throw new InvalidOperationException($"chromium could not open {url}: {failed}");
            await LoadedAsync(url, ct);
            var measured = JsonNode.Parse((await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = Measure, ["returnByValue"] = true }, ct))["result"]!["value"]!.GetValue<string>())!;
            var size = (await SendAsync("Page.getLayoutMetrics", new JsonObject(), ct))["cssContentSize"]!;
            var shot = await SendAsync("Page.captureScreenshot", new JsonObject
            {
                ["format"] = "png",
                ["captureBeyondViewport"] = true,
                ["clip"] = new JsonObject { ["x"] = 0, ["y"] = 0, ["width"] = size["width"]!.GetValue<double>(), ["height"] = size["height"]!.GetValue<double>(), ["scale"] = 1 },
            }, ct);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(screenshot))!);
            await File.WriteAllBytesAsync(screenshot, Convert.FromBase64String(shot["data"]!.GetValue<string>()), ct);
            return new PageVisit([.. requests], [.. errors],
                [.. measured["svgs"]!.AsArray().Select(s => new RenderedSvg(s!["w"]!.GetValue<double>(), s["h"]!.GetValue<double>(), s["marks"]!.GetValue<int>()))],
                measured["rows"]!.GetValue<int>(), measured["text"]!.GetValue<string>(), screenshot);
        }

        // Polled rather than awaited as an event: the blank page's own load event may arrive late and be taken for ours.
        private async Task LoadedAsync(string url, CancellationToken ct)
        {
            var probe = new JsonObject { ["expression"] = "location.href + ' ' + document.readyState", ["returnByValue"] = true };
            while ((await SendAsync("Runtime.evaluate", (JsonObject)probe.DeepClone(), ct))["result"]!["value"]!.GetValue<string>() != $"{url} complete")
                await Task.Delay(50, ct);
        }

        private async Task<JsonNode> SendAsync(string method, JsonObject parameters, CancellationToken ct)
        {
            var id = Interlocked.Increment(ref nextId);
            var answer = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
            pending[id] = answer;
            var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
            if (sessionId is not null) message["sessionId"] = sessionId;
            await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, ct);
            return await answer.Task.WaitAsync(ct);
        }

        private async Task ReadAsync(CancellationToken ct)
        {
            var buffer = new byte[1 << 16];
            using var message = new MemoryStream();
            try
            {
                while (socket.State == WebSocketState.Open)
                {
                    var part = await socket.ReceiveAsync(buffer, ct);
                    if (part.MessageType == WebSocketMessageType.Close) break;
                    message.Write(buffer, 0, part.Count);
                    if (!part.EndOfMessage) continue;
                    Dispatch(JsonNode.Parse(message.ToArray())!);
                    message.SetLength(0);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
                // Closing: the browser went away or the visit is over.
            }
            foreach (var waiting in pending.Values) waiting.TrySetException(new InvalidOperationException("the DevTools connection closed"));
        }

        private void Dispatch(JsonNode message)
        {
            if (message["id"] is { } id && pending.TryRemove(id.GetValue<int>(), out var answer))
            {
                if (message["error"] is { } error) answer.SetException(new InvalidOperationException($"DevTools: {error.ToJsonString()}"));
                else answer.SetResult(message["result"] ?? new JsonObject());
                return;
            }
            var p = message["params"];
            switch (message["method"]?.GetValue<string>())
            {
                case "Network.requestWillBeSent": requests.Enqueue(p!["request"]!["url"]!.GetValue<string>()); break;
                case "Runtime.exceptionThrown": errors.Enqueue($"exception: {p!["exceptionDetails"]!.ToJsonString()}"); break;
                case "Runtime.consoleAPICalled" when p!["type"]!.GetValue<string>() is "error" or "assert":
                    errors.Enqueue($"console.{p["type"]}: {p["args"]!.ToJsonString()}"); break;
                case "Log.entryAdded" when p!["entry"]!["level"]!.GetValue<string>() == "error":
                    errors.Enqueue($"log ({p["entry"]!["source"]}): {p["entry"]!["text"]} {p["entry"]!["url"]}"); break;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (socket.State == WebSocketState.Open)
                try { await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None); } catch (WebSocketException) { /* the browser closed first */ }
            await stop.CancelAsync();
            await reader;
            socket.Dispose();
            stop.Dispose();
        }
    }
}
