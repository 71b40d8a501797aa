using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sluice.GitHub.Tests;

/// <summary>One request to the fake and its answer, as sent on the wire.</summary>
/// <param name="Fault">An answer the test injected (a rate limit, a 5xx, a refused permission): its body is GitHub's error shape, not the operation's.</param>
public sealed record FakeExchange(string Method, string Path, int Status, JsonNode? Request, JsonNode? Response, bool Fault, string Query = "");

/// <summary>
/// A fake of GitHub's REST API on 127.0.0.1 that speaks its wire format: the answer bodies start from minimal valid
/// instances made from GitHub's OpenAPI description (<see cref="GitHubOpenApi"/>), pagination is by <c>Link</c>
/// headers, and every exchange is kept for the OpenAPI check. State lives in the instance (one per test).
/// Lists answer <see cref="DefaultPageSize"/> items a page unless the client asks <c>per_page</c>, so pagination shows
/// with a few items (GitHub's default is 30).
/// </summary>
public sealed class FakeGitHub : IAsyncDisposable
{
    public const string Owner = "shop-org";
    public const string Repo = "shop";
    private static readonly (string Method, string Path, int Status)[] Shapes =
    [
        ("POST", "/repos/o/r/deployments", 201), ("POST", "/repos/o/r/deployments/1/statuses", 201),
        ("POST", "/repos/o/r/issues/1/comments", 201), ("GET", "/repos/o/r/pulls/1", 200), ("GET", "/repos/o/r/pulls/1/reviews", 200),
        ("GET", "/orgs/o/teams/t/members", 200), ("GET", "/orgs/o/teams", 200), ("GET", "/repos/o/r/environments/e", 200),
        ("GET", "/users/u", 200), ("GET", "/repos/o/r/actions/runs/1/approvals", 200), ("GET", "/repos/o/r/commits/c/pulls", 200),
    ];

    private readonly WebApplication _app;
    private readonly IReadOnlyDictionary<string, JsonObject> _shapes;
    private readonly List<FakeExchange> _exchanges = [];
    private readonly Lock _lock = new();
    private readonly Queue<(Func<HttpRequest, bool> When, int Status, Dictionary<string, string> Headers, string Message)> _faults = new();
    private readonly Dictionary<string, string> _denied = new();
    private long _nextId = 100;

    public List<JsonObject> Deployments { get; } = [];
    public Dictionary<long, List<JsonObject>> Statuses { get; } = [];
    public Dictionary<int, List<JsonObject>> Comments { get; } = [];
    public Dictionary<int, (string Author, string HeadSha)> Pulls { get; } = [];
    public Dictionary<int, List<(string Login, string State, string CommitId)>> Reviews { get; } = [];

    /// <summary>When the first review of a pull request was submitted; each later one a minute after the one before.</summary>
    public DateTimeOffset ReviewsStart { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The merged pull request a commit belongs to (<c>GET /repos/{owner}/{repo}/commits/{sha}/pulls</c>).</summary>
    public Dictionary<string, int> MergedPullOf { get; } = [];
    public Dictionary<long, List<(string Login, string Environment, string State)>> RunApprovals { get; } = [];
    public Dictionary<string, List<string>> Teams { get; } = [];
    public Dictionary<string, FakeEnvironment> Environments { get; } = new(StringComparer.OrdinalIgnoreCase);
    public List<string> RepositorySecrets { get; } = [];
    public int DefaultPageSize { get; set; } = 2;

    public Uri Url { get; }

    public IReadOnlyList<FakeExchange> Exchanges { get { lock (_lock) return _exchanges.ToList(); } }

    private FakeGitHub(WebApplication app, IReadOnlyDictionary<string, JsonObject> shapes)
    {
        _app = app;
        _shapes = shapes;
        app.Run(HandleAsync);
        app.StartAsync().GetAwaiter().GetResult();
        Url = new Uri(app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
    }

    public static async Task<FakeGitHub> StartAsync(GitHubOpenApi openApi, CancellationToken ct)
    {
        var shapes = await openApi.ExamplesAsync(Shapes, ct);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        return new FakeGitHub(builder.Build(), shapes);
    }

    /// <summary>The settings Sluice uses to reach this fake.</summary>
    public GitHubSettings Settings(TimeSpan? maxWait = null) => new($"{Owner}/{Repo}", "fake-token", Url, maxWait ?? TimeSpan.FromSeconds(30));

    /// <summary>The next request that <paramref name="when"/> matches gets this answer instead (once).</summary>
    public void FailNext(Func<HttpRequest, bool> when, int status, string message, params (string Name, string Value)[] headers)
    {
        lock (_lock) _faults.Enqueue((when, status, headers.ToDictionary(h => h.Name, h => h.Value), message));
    }

    /// <summary>Every request to a path containing <paramref name="pathPart"/> is refused as a token without
    /// <paramref name="permission"/> is (<c>deployments=write</c>): 403, "Resource not accessible by integration".</summary>
    public void Deny(string pathPart, string permission) { lock (_lock) _denied[pathPart] = permission; }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        JsonNode? body = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var text = await reader.ReadToEndAsync();
            if (text.Length > 0) body = JsonNode.Parse(text);
        }
        int status;
        JsonNode? response;
        var fault = false;
        var headers = new Dictionary<string, string>();
        lock (_lock)
        {
            var denied = _denied.FirstOrDefault(d => request.Path.Value!.Contains(d.Key, StringComparison.Ordinal));
            if (denied.Key is not null)
            {
                (status, response, fault) = (403, Error("Resource not accessible by integration"), true);
                headers["x-accepted-github-permissions"] = denied.Value;
            }
            else if (_faults.Count > 0 && _faults.Peek().When(request))
            {
                var next = _faults.Dequeue();
                (status, response, fault) = (next.Status, Error(next.Message), true);
                foreach (var (name, value) in next.Headers) headers[name] = value;
            }
            else
            {
                (status, response) = Route(request, body, headers);
            }
            _exchanges.Add(new FakeExchange(request.Method, request.Path.Value!, status, body?.DeepClone(), response?.DeepClone(), fault, request.QueryString.Value ?? ""));
        }
        context.Response.StatusCode = status;
        foreach (var (name, value) in headers) context.Response.Headers[name] = value;
        context.Response.Headers["x-github-api-version-selected"] = "2022-11-28";
        if (response is not null)
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(response.ToJsonString());
        }
    }

    private static JsonObject Error(string message) => new() { ["message"] = message, ["documentation_url"] = "https://docs.github.com/rest" };

    private (int, JsonNode?) Route(HttpRequest request, JsonNode? body, Dictionary<string, string> headers)
    {
        var path = request.Path.Value!;
        var repo = $"/repos/{Owner}/{Repo}";
        Match m;
        bool Is(string method, string pattern)
        {
            m = Regex.Match(path, "^" + pattern + "$");
            return request.Method == method && m.Success;
        }
        long Id(int group) => long.Parse(m.Groups[group].Value);

        if (Is("POST", $"{repo}/deployments"))
        {
            var d = Shape("POST /repos/o/r/deployments 201");
            d["id"] = ++_nextId;
            d["ref"] = body!["ref"]!.GetValue<string>();
            d["sha"] = "0123456789abcdef0123456789abcdef01234567";
            d["environment"] = body["environment"]?.GetValue<string>() ?? "production";
            d["description"] = body["description"]?.GetValue<string>();
            d["task"] = body["task"]?.GetValue<string>() ?? "deploy";
            Deployments.Insert(0, d); // GitHub lists the newest first
            Statuses[_nextId] = [];
            return (201, d);
        }
        if (Is("GET", $"{repo}/deployments"))
        {
            var environment = request.Query["environment"].ToString();
            return Page(request, headers, Deployments.Where(d => environment.Length == 0 || d["environment"]!.GetValue<string>() == environment).ToList());
        }
        if (Is("POST", $"{repo}/deployments/(\\d+)/statuses"))
        {
            var s = Shape("POST /repos/o/r/deployments/1/statuses 201");
            s["id"] = ++_nextId;
            s["state"] = body!["state"]!.GetValue<string>();
            s["description"] = body["description"]?.GetValue<string>() ?? "";
            s["log_url"] = body["log_url"]?.GetValue<string>() ?? "";
            s["environment_url"] = body["environment_url"]?.GetValue<string>() ?? "";
            Statuses[Id(1)].Insert(0, s);
            return (201, s);
        }
        if (Is("GET", $"{repo}/deployments/(\\d+)/statuses")) return Page(request, headers, Statuses[Id(1)]);
        if (Is("GET", $"{repo}/issues/(\\d+)/comments")) return Page(request, headers, Comments.GetValueOrDefault((int)Id(1)) ?? []);
        if (Is("POST", $"{repo}/issues/(\\d+)/comments"))
        {
            var c = Shape("POST /repos/o/r/issues/1/comments 201");
            c["id"] = ++_nextId;
            c["body"] = body!["body"]!.GetValue<string>();
            c["html_url"] = $"https://github.invalid/{Owner}/{Repo}/pull/{Id(1)}#issuecomment-{_nextId}";
            (Comments.TryGetValue((int)Id(1), out var list) ? list : Comments[(int)Id(1)] = []).Add(c);
            return (201, c);
        }
        if (Is("PATCH", $"{repo}/issues/comments/(\\d+)"))
        {
            var id = Id(1);
            var c = Comments.Values.SelectMany(l => l).FirstOrDefault(x => x["id"]!.GetValue<long>() == id);
            if (c is null) return (404, Error("Not Found"));
            c["body"] = body!["body"]!.GetValue<string>();
            return (200, c);
        }
        if (Is("GET", $"{repo}/pulls/(\\d+)"))
        {
            var (author, sha) = Pulls[(int)Id(1)];
            var p = Shape("GET /repos/o/r/pulls/1 200");
            p["number"] = Id(1);
            p["user"] = User(author);
            p["head"]!["sha"] = sha;
            return (200, p);
        }
        if (Is("GET", $"{repo}/pulls/(\\d+)/reviews"))
            return Page(request, headers, (Reviews.GetValueOrDefault((int)Id(1)) ?? []).Select((r, i) =>
            {
                var review = Shape("GET /repos/o/r/pulls/1/reviews 200");
                review["id"] = i + 1;
                review["user"] = User(r.Login);
                review["state"] = r.State;
                review["commit_id"] = r.CommitId;
                review["submitted_at"] = ReviewsStart.AddMinutes(i).ToString("yyyy-MM-ddTHH:mm:ssZ");
                return review;
            }).ToList());
        if (Is("GET", $"{repo}/commits/([0-9a-z-]+)/pulls"))
            return Page(request, headers, MergedPullOf.TryGetValue(m.Groups[1].Value, out var merged)
                ? [Shape("GET /repos/o/r/commits/c/pulls 200", o =>
                {
                    o["number"] = merged;
                    o["user"] = User(Pulls[merged].Author);
                    o["head"]!["sha"] = Pulls[merged].HeadSha;
                    o["merged_at"] = "2026-01-02T00:00:00Z";
                    o["state"] = "closed";
                })]
                : []);
        if (Is("GET", $"/orgs/{Owner}/teams/([^/]+)/members"))
            return Page(request, headers, (Teams.GetValueOrDefault(m.Groups[1].Value) ?? []).Select(User).ToList());
        if (Is("GET", $"/orgs/{Owner}/teams")) return Page(request, headers, Teams.Keys.Select(Team).ToList());
        if (Is("GET", "/users/([^/]+)")) return (200, Shape("GET /users/u 200", o => { o["login"] = m.Groups[1].Value; o["id"] = UserId(m.Groups[1].Value); }));
        if (Is("GET", $"{repo}/actions/runs/(\\d+)/approvals"))
            return (200, new JsonArray((RunApprovals.GetValueOrDefault(Id(1)) ?? []).Select(a => (JsonNode)Shape("GET /repos/o/r/actions/runs/1/approvals 200", o =>
            {
                o["user"] = User(a.Login);
                o["state"] = a.State;
                o["comment"] = "";
                o["environments"] = new JsonArray(EnvironmentShape(a.Environment));
            })).ToArray()));
        if (Is("GET", $"{repo}/environments"))
            return (200, new JsonObject { ["total_count"] = Environments.Count, ["environments"] = new JsonArray(Environments.Values.Select(e => (JsonNode)EnvironmentJson(e)).ToArray()) });
        if (Is("PUT", $"{repo}/environments/([^/]+)"))
        {
            var name = Uri.UnescapeDataString(m.Groups[1].Value);
            var e = Environments.TryGetValue(name, out var existing) ? existing : Environments[name] = new FakeEnvironment(name);
            e.WaitTimer = body?["wait_timer"]?.GetValue<int>() ?? 0;
            e.PreventSelfReview = body?["prevent_self_review"]?.GetValue<bool>() ?? false;
            e.Reviewers = (body?["reviewers"]?.AsArray() ?? []).Select(r => (r!["type"]!.GetValue<string>(), r["id"]!.GetValue<long>())).ToList();
            e.CustomBranchPolicies = body?["deployment_branch_policy"]?["custom_branch_policies"]?.GetValue<bool>() ?? false;
            return (200, EnvironmentJson(e));
        }
        if (Is("GET", $"{repo}/environments/([^/]+)/deployment-branch-policies"))
        {
            var e = Environments[Uri.UnescapeDataString(m.Groups[1].Value)];
            return (200, new JsonObject { ["total_count"] = e.Policies.Count, ["branch_policies"] = new JsonArray(e.Policies.Select(p => (JsonNode)Policy(p)).ToArray()) });
        }
        if (Is("POST", $"{repo}/environments/([^/]+)/deployment-branch-policies"))
        {
            var e = Environments[Uri.UnescapeDataString(m.Groups[1].Value)];
            var policy = (++_nextId, body!["name"]!.GetValue<string>());
            e.Policies.Add(policy);
            return (200, Policy(policy));
        }
        if (Is("DELETE", $"{repo}/environments/([^/]+)/deployment-branch-policies/(\\d+)"))
        {
            Environments[Uri.UnescapeDataString(m.Groups[1].Value)].Policies.RemoveAll(p => p.Id == Id(2));
            return (204, null);
        }
        if (Is("GET", $"{repo}/environments/([^/]+)/secrets"))
            return (200, Secrets(Environments.GetValueOrDefault(Uri.UnescapeDataString(m.Groups[1].Value))?.Secrets ?? []));
        if (Is("GET", $"{repo}/actions/secrets")) return (200, Secrets(RepositorySecrets));
        return (404, Error("Not Found"));
    }

    private (int, JsonNode?) Page(HttpRequest request, Dictionary<string, string> headers, IReadOnlyList<JsonObject> items)
    {
        var size = int.TryParse(request.Query["per_page"], out var perPage) ? Math.Clamp(perPage, 1, 100) : DefaultPageSize;
        var page = int.TryParse(request.Query["page"], out var p) ? Math.Max(p, 1) : 1;
        var last = Math.Max(1, (items.Count + size - 1) / size);
        if (page < last)
        {
            var query = string.Join("&", request.Query.Where(q => q.Key != "page").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}").Append($"page={page + 1}"));
            headers["Link"] = $"<{Url.ToString().TrimEnd('/')}{request.Path}?{query}>; rel=\"next\", <{Url.ToString().TrimEnd('/')}{request.Path}?page={last}>; rel=\"last\"";
        }
        return (200, new JsonArray(items.Skip((page - 1) * size).Take(size).Select(i => (JsonNode)i.DeepClone()).ToArray()));
    }

    private JsonObject Shape(string key, Action<JsonObject>? fill = null)
    {
        var shape = _shapes[key].DeepClone().AsObject();
        Settle(shape);
        fill?.Invoke(shape);
        return shape;
    }

    /// <summary>The minimal instances fill free strings with "x"; Octokit reads a few of them as enums, so those get a real value of GitHub's.</summary>
    private static void Settle(JsonNode? node)
    {
        if (node is JsonArray array) foreach (var item in array) Settle(item);
        if (node is not JsonObject o) return;
        foreach (var (key, value) in o.ToList())
        {
            // GitHub may send these as null; Octokit's Repository holds them as non-nullable dates.
            if (value is null && key is "created_at" or "updated_at" or "pushed_at") o[key] = "2026-01-01T00:00:00Z";
            else if (value is JsonValue v && v.TryGetValue<string>(out var text) && text == "x")
                o[key] = key switch
                {
                    "type" when o.ContainsKey("login") => "User",
                    "visibility" => "public",
                    "permission" => "pull",
                    _ => value.DeepClone(),
                };
            else Settle(value);
        }
    }

    private static long UserId(string login) => 1000 + Math.Abs(login.GetHashCode(StringComparison.Ordinal) % 100000);

    public long TeamId(string slug) => 500 + Teams.Keys.ToList().IndexOf(slug);

    private JsonObject User(string login) => Shape("GET /orgs/o/teams/t/members 200", o => { o["login"] = login; o["id"] = UserId(login); });

    private JsonObject Team(string slug) => Shape("GET /orgs/o/teams 200", o => { o["slug"] = slug; o["name"] = slug; o["id"] = TeamId(slug); });

    private JsonObject EnvironmentShape(string name) => Shape("GET /repos/o/r/environments/e 200", o => { o["name"] = name; o["id"] = 1; });

    private JsonObject EnvironmentJson(FakeEnvironment e)
    {
        var rules = new JsonArray();
        if (e.WaitTimer > 0) rules.Add(new JsonObject { ["id"] = 1, ["node_id"] = "r1", ["type"] = "wait_timer", ["wait_timer"] = e.WaitTimer });
        if (e.Reviewers.Count > 0)
            rules.Add(new JsonObject
            {
                ["id"] = 2, ["node_id"] = "r2", ["type"] = "required_reviewers", ["prevent_self_review"] = e.PreventSelfReview,
                ["reviewers"] = new JsonArray(e.Reviewers.Select(r => (JsonNode)new JsonObject
                {
                    ["type"] = r.Type,
                    ["reviewer"] = r.Type == "Team" ? Team(Teams.Keys.First(k => TeamId(k) == r.Id)) : User(LoginOf(r.Id)),
                }).ToArray()),
            });
        var json = EnvironmentShape(e.Name);
        json["protection_rules"] = rules;
        json["deployment_branch_policy"] = e.CustomBranchPolicies ? new JsonObject { ["protected_branches"] = false, ["custom_branch_policies"] = true } : null;
        return json;
    }

    /// <summary>The logins the fake has handed out ids for: team members and reviewers named by tests.</summary>
    public List<string> KnownUsers { get; } = [];

    private string LoginOf(long id) => KnownUsers.Concat(Teams.Values.SelectMany(t => t)).First(l => UserId(l) == id);

    private static JsonObject Policy((long Id, string Name) p) => new() { ["id"] = p.Id, ["node_id"] = $"p{p.Id}", ["name"] = p.Name, ["type"] = "branch" };

    private static JsonObject Secrets(IReadOnlyList<string> names) => new()
    {
        ["total_count"] = names.Count,
        ["secrets"] = new JsonArray(names.Select(n => (JsonNode)new JsonObject { ["name"] = n, ["created_at"] = "2026-01-01T00:00:00Z", ["updated_at"] = "2026-01-01T00:00:00Z" }).ToArray()),
    };
}

/// <summary>An environment as the fake holds it.</summary>
public sealed class FakeEnvironment(string name)
{
    public string Name { get; } = name;
    public int WaitTimer { get; set; }
    public bool PreventSelfReview { get; set; }
    public List<(string Type, long Id)> Reviewers { get; set; } = [];
    public bool CustomBranchPolicies { get; set; }
    public List<(long Id, string Name)> Policies { get; } = [];
    public List<string> Secrets { get; } = [];
}
