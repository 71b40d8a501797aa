using System.Diagnostics;
using System.Text;

namespace Sluice.Migrations.Hooks;

/// <summary>The outcome of calling one hook, every attempt included. <paramref name="Detail"/> holds the secrets'
/// values still; <see cref="HookInvoker"/> hands back the values to redact in <paramref name="Secrets"/>.</summary>
public sealed record HookCallResult(bool Succeeded, int Attempts, string Detail, IReadOnlyList<string> Secrets);

/// <summary>
/// Calls a hook's action: an HTTP request with the <c>Idempotency-Key</c> header, or a command (no shell) with
/// <c>SLUICE_IDEMPOTENCY_KEY</c> and the context in its environment. Each attempt has the action's timeout; what is
/// retried, with a doubling back-off:
/// <code>
/// #  Attempt ended with                                        Retried
/// 1  an expected status (HTTP) or exit code 0 (command)        no: succeeded
/// 2  a timeout, a refused or dropped connection                yes
/// 3  HTTP 408, 429 or 5xx                                      yes
/// 4  any other HTTP status                                     no: the receiver refused; retrying repeats the refusal
/// 5  a non-zero exit code                                      yes (a command says nothing finer)
/// 6  a secret whose variable is not set, a program not found   no
/// </code>
/// </summary>
public sealed class HookInvoker(Func<string, string?> variable, TimeProvider time)
{
    /// <summary>How much of a response body or stderr a report keeps.</summary>
    public const int ExcerptLength = 300;

    /// <summary>True when the run has the variable <paramref name="name"/> (a hook's <c>enabled_by</c>).</summary>
    public bool IsSet(string name) => !string.IsNullOrEmpty(variable(name));

    public async Task<HookCallResult> CallAsync(HookAction action, HookContext context, string idempotencyKey, HookDirection direction,
        CancellationToken cancellationToken)
    {
        var secrets = new List<string>();
        var attempts = 0;
        var detail = "";
        var wait = action.Backoff;
        while (attempts < action.Attempts)
        {
            if (attempts > 0)
            {
                await Task.Delay(wait, time, cancellationToken);
                wait *= 2;
            }
            attempts++;
            AttemptResult attempt;
            try
            {
                attempt = action switch
                {
                    HttpHookAction http => await HttpAsync(http, context, idempotencyKey, secrets, cancellationToken),
                    CommandHookAction command => await CommandAsync(command, context, idempotencyKey, direction, secrets, cancellationToken),
                    _ => throw new ArgumentOutOfRangeException(nameof(action), action.GetType().Name, "a hook is an http call or a command"),
                };
            }
            catch (KeyNotFoundException e)
            {
                return new HookCallResult(false, attempts, $"the secret '{e.Message}' is not set: set the environment variable {e.Message} for this run", secrets);
            }
            detail = attempt.Detail;
            if (attempt.Succeeded) return new HookCallResult(true, attempts, detail, secrets);
            if (!attempt.Transient) break;
        }
        return new HookCallResult(false, attempts, attempts > 1 ? $"{detail} (after {attempts} attempts)" : detail, secrets);
    }

    private sealed record AttemptResult(bool Succeeded, bool Transient, string Detail);

    private async Task<AttemptResult> HttpAsync(HttpHookAction http, HookContext context, string key, List<string> secrets, CancellationToken cancellationToken)
    {
        var url = HookPlaceholders.Expand(http.Url, context, variable, secrets);
        using var request = new HttpRequestMessage(new HttpMethod(http.Method), url);
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        foreach (var (name, value) in http.Headers)
            request.Headers.TryAddWithoutValidation(name, HookPlaceholders.Expand(value, context, variable, secrets));
        if (http.Body is { } body)
            request.Content = new StringContent(HookPlaceholders.Expand(body, context, variable, secrets), Encoding.UTF8, "application/json");
        var what = $"{http.Method} {url}";
        using var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(http.Timeout);
        try
        {
            using var response = await client.SendAsync(request, deadline.Token);
            var text = await response.Content.ReadAsStringAsync(deadline.Token);
            var status = (int)response.StatusCode;
            var expected = http.ExpectStatus.Count == 0 ? response.IsSuccessStatusCode : http.ExpectStatus.Contains(status);
            var answer = $"{what} answered {status} {response.ReasonPhrase}{Excerpt("body", text)}";
            if (expected) return new AttemptResult(true, false, answer);
            var transient = status is 408 or 429 or >= 500;
            var wanted = http.ExpectStatus.Count == 0 ? "a 2xx status" : string.Join(" or ", http.ExpectStatus);
            return new AttemptResult(false, transient, $"{answer}; expected {wanted}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AttemptResult(false, true, $"{what} did not answer within {Plans.Durations.Format(http.Timeout)}");
        }
        catch (HttpRequestException e)
        {
            return new AttemptResult(false, true, $"{what} failed: {e.Message}");
        }
    }

    private async Task<AttemptResult> CommandAsync(CommandHookAction command, HookContext context, string key, HookDirection direction,
        List<string> secrets, CancellationToken cancellationToken)
    {
        var argv = command.Argv.Select(a => HookPlaceholders.Expand(a, context, variable, secrets)).ToList();
        var start = new ProcessStartInfo(argv[0])
        {
            WorkingDirectory = command.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in argv.Skip(1)) start.ArgumentList.Add(argument);
        start.Environment["SLUICE_IDEMPOTENCY_KEY"] = key;
        start.Environment["SLUICE_ENV"] = context.Environment;
        start.Environment["SLUICE_SERVICE"] = context.Service;
        start.Environment["SLUICE_PLAN"] = context.PlanId;
        start.Environment["SLUICE_PHASE"] = context.Phase;
        start.Environment["SLUICE_HOOK_DIRECTION"] = direction.ToString().ToLowerInvariant();
        var what = $"command '{command.Argv[0]}'";
        if (!Directory.Exists(command.WorkingDirectory))
            return new AttemptResult(false, false, $"{what}: its working_dir {command.WorkingDirectory} does not exist");
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new AttemptResult(false, false, $"{what} could not start: {e.Message}");
        }
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(command.Timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            return new AttemptResult(false, true, $"{what} did not finish within {Plans.Durations.Format(command.Timeout)} and was killed{Excerpt("stderr", await stderr)}");
        }
        await stdout;
        var error = await stderr;
        return process.ExitCode == 0
            ? new AttemptResult(true, false, $"{what} exited 0")
            : new AttemptResult(false, true, $"{what} exited {process.ExitCode}{Excerpt("stderr", error)}");
    }

    private static string Excerpt(string what, string text)
    {
        text = text.Trim();
        if (text.Length == 0) return "";
        return $"; {what}: {(text.Length > ExcerptLength ? text[..ExcerptLength] + "..." : text)}";
    }
}
