using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Sluice.Errors;

namespace Sluice.Traffic.Load;

/// <summary>
/// Traffic for environments that have none of their own (the local default, tests, rehearsals): an open-loop
/// generator that starts requests at a fixed rate for a fixed time against a loopback address, then waits for the
/// ones in flight and stops by itself. The rules, checked before anything is sent (exit 2, the parameter named):
/// <list type="number">
/// <item>The target is on loopback (127.0.0.0/8, ::1, <c>localhost</c>); any other address is refused (SLU177).</item>
/// <item>The rate is 1 to 500 requests per second and the duration above 0 and at most 10 minutes (SLU178).</item>
/// <item>The write share is from 0 to 1, users and customers at least 1 (SLU178).</item>
/// </list>
/// </summary>
public sealed class LoadGenerator
{
    private readonly LoadOptions _options;

    public LoadGenerator(LoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        _options = options;
    }

    public LoadOptions Options => _options;

    public async Task<LoadReport> RunAsync(CancellationToken cancellationToken)
    {
        var users = Enumerable.Range(0, _options.Users).Select(_ => NewUser()).ToArray();
        try
        {
            var planned = (long)Math.Round(_options.RatePerSecond * _options.Duration.TotalSeconds);
            var interval = TimeSpan.FromSeconds(1.0 / _options.RatePerSecond);
            var run = new Counters();
            var inFlight = new List<Task>();
            var random = new Random(17);
            var watch = Stopwatch.StartNew();
            for (long i = 0; i < planned; i++)
            {
                // Read the clock once: checked and read again, the wait could turn negative in between, which Task.Delay refuses.
                var wait = interval * i - watch.Elapsed;
                if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken);
                inFlight.RemoveAll(t => t.IsCompleted);
                if (inFlight.Count >= _options.MaxInFlight)
                {
                    run.Skipped++;
                    continue;
                }
                var write = random.NextDouble() < _options.WriteShare;
                var customer = random.Next(1, _options.Customers + 1);
                inFlight.Add(SendAsync(users[i % users.Length], write, customer, run, cancellationToken));
            }
            await Task.WhenAll(inFlight);
            return new LoadReport(run.Sent, run.Ok, run.Failed, run.Skipped, run.Reads, run.Writes, watch.Elapsed);
        }
        finally
        {
            foreach (var user in users) user.Dispose();
        }
    }

    private async Task SendAsync(HttpClient user, bool write, int customer, Counters run, CancellationToken ct)
    {
        run.Count(write);
        try
        {
            using var response = write
                ? await user.PostAsJsonAsync("customers", NewCustomer(), ct)
                : await user.GetAsync(string.Create(CultureInfo.InvariantCulture, $"customers/{customer}"), ct);
            run.Answer(response.IsSuccessStatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            run.Answer(false);
        }
    }

    private static object NewCustomer()
    {
        var n = Guid.NewGuid().ToString("N");
        return new { email = $"load-{n}@example.com", firstName = "Load", lastName = $"Tester {n[..6]}" };
    }

    private HttpClient NewUser() => new(new SocketsHttpHandler { UseCookies = true, CookieContainer = new CookieContainer() })
    {
        BaseAddress = new Uri(_options.Target, "/"),
        Timeout = _options.RequestTimeout,
    };

    private static void Validate(LoadOptions o)
    {
        if (!Loopback.Is(o.Target))
            throw SluiceException.Usage(ErrorCodes.LoadTargetNotLoopback,
                $"the load generator sends traffic to loopback addresses only; target {o.Target} is not one",
                "point it at the local router or a version on 127.0.0.1 (or localhost)");
        if (o.RatePerSecond is < 1 or > LoadOptions.MaxRate)
            throw Bounds("rate", $"{o.RatePerSecond} requests/s", $"from 1 to {LoadOptions.MaxRate} requests/s");
        if (o.Duration <= TimeSpan.Zero || o.Duration > LoadOptions.MaxDuration)
            throw Bounds("duration", $"{o.Duration}", $"above 0 and at most {LoadOptions.MaxDuration.TotalMinutes:0} minutes");
        if (o.WriteShare is < 0 or > 1 || double.IsNaN(o.WriteShare)) throw Bounds("write share", $"{o.WriteShare}", "from 0 to 1");
        if (o.Users < 1) throw Bounds("users", $"{o.Users}", "at least 1");
        if (o.Customers < 1) throw Bounds("customers", $"{o.Customers}", "at least 1");
        if (o.MaxInFlight < 1) throw Bounds("max in flight", $"{o.MaxInFlight}", "at least 1");
        if (o.RequestTimeout <= TimeSpan.Zero) throw Bounds("request timeout", $"{o.RequestTimeout}", "above 0");
    }

    private static SluiceException Bounds(string parameter, string value, string allowed) =>
        SluiceException.Usage(ErrorCodes.BadLoadBounds, $"the load generator's {parameter} is {value}; it must be {allowed}",
            "a load is bounded: give a rate and a duration within the limits");

    /// <summary>Totals shared by the requests of one run.</summary>
    private sealed class Counters
    {
        private long _sent, _ok, _failed, _reads, _writes;

        public long Skipped { get; set; }
        public long Sent => Interlocked.Read(ref _sent);
        public long Ok => Interlocked.Read(ref _ok);
        public long Failed => Interlocked.Read(ref _failed);
        public long Reads => Interlocked.Read(ref _reads);
        public long Writes => Interlocked.Read(ref _writes);

        public void Count(bool write)
        {
            Interlocked.Increment(ref _sent);
            Interlocked.Increment(ref write ? ref _writes : ref _reads);
        }

        public void Answer(bool ok) => Interlocked.Increment(ref ok ? ref _ok : ref _failed);
    }
}
