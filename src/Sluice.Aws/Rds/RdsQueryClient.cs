using System.Net;
using System.Net.Http.Headers;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Sluice.Errors;

namespace Sluice.Aws.Rds;

/// <summary>
/// The RDS Query API by hand: a form POST of <c>Action</c>, <c>Version=2014-10-31</c> and the action's parameters,
/// signed with SigV4, answered with <c>&lt;{Action}Response&gt;&lt;{Action}Result&gt;</c> or an <c>&lt;ErrorResponse&gt;</c>.
/// <list type="number">
/// <item>A 2xx answer gives its <c>{Action}Result</c> element.</item>
/// <item>Throttling (error codes <c>Throttling</c>, <c>ThrottlingException</c>, <c>RequestLimitExceeded</c>, HTTP 429
/// or 503) is retried after <c>Retry-After</c> when given, else a back-off doubling from
/// <see cref="RdsOptions.ThrottleFirstDelay"/>; after <see cref="RdsOptions.Attempts"/> it is <c>SLU289</c>.</item>
/// <item><c>AccessDenied</c>, <c>InvalidClientTokenId</c>, <c>SignatureDoesNotMatch</c>, <c>ExpiredToken</c>,
/// <c>UnrecognizedClientException</c> or HTTP 401/403 are <c>SLU285</c>, naming the action the policy must allow.</item>
/// <item>Any other error is <see cref="RdsApiException"/> (<c>SLU284</c>) with RDS's code and message, so a caller can
/// tell a <c>DBSnapshotNotFound</c> from the rest.</item>
/// <item>An unreachable endpoint is retried like throttling, then <c>SLU284</c>.</item>
/// </list>
/// </summary>
internal sealed class RdsQueryClient(HttpClient http, Uri endpoint, string region, AWSCredentials? credentials, RdsOptions options, TimeProvider clock)
{
    public const string ApiVersion = "2014-10-31";
    public static readonly XNamespace Ns = "http://rds.amazonaws.com/doc/2014-10-31/";
    private static readonly string[] ThrottlingCodes = ["Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException"];
    private static readonly string[] DeniedCodes = ["AccessDenied", "AccessDeniedException", "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "UnrecognizedClientException", "MissingAuthenticationToken"];

    public async Task<XElement> CallAsync(string action, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        var keys = await CredentialsAsync(action);
        var delay = options.ThrottleFirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            List<KeyValuePair<string, string>> form = [new("Action", action), new("Version", ApiVersion), .. parameters];
            var body = await new FormUrlEncodedContent(form).ReadAsStringAsync(cancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
            {
                Content = new StringContent(body, new MediaTypeHeaderValue("application/x-www-form-urlencoded") { CharSet = "utf-8" }),
            };
            SigV4.Sign(request, body, keys, region, "rds", clock.GetUtcNow().UtcDateTime);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e) when (attempt < options.Attempts)
            {
                _ = e;
                await WaitAsync(null, ref delay, cancellationToken);
                continue;
            }
            catch (HttpRequestException e)
            {
                throw new SluiceException(ErrorKind.Failure, ErrorCodes.CloudApiFailed, $"RDS {action} at {endpoint.Authority} could not be reached: {e.Message}",
                    "check the region, the endpoint and the network path to the RDS API", inner: e);
            }
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode) return Result(action, text);
                var (code, message) = Error(text, response.StatusCode);
                var throttled = ThrottlingCodes.Contains(code) || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable;
                if (throttled && attempt < options.Attempts)
                {
                    await WaitAsync(response.Headers.RetryAfter, ref delay, cancellationToken);
                    continue;
                }
                if (throttled)
                    throw new SluiceException(ErrorKind.Failure, ErrorCodes.CloudThrottled,
                        $"RDS {action} was throttled {attempt} times ({code}: {message})", "run again later, or spread Sluice's runs across accounts or regions");
                if (DeniedCodes.Contains(code) || response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                    throw new SluiceException(ErrorKind.Failure, ErrorCodes.CloudForbidden, $"RDS refused {action} ({code}: {message})",
                        $"allow rds:{action} to the role Sluice runs as (docs/cloud.md lists each operation's permissions)");
                throw new RdsApiException(action, code, message, (int)response.StatusCode);
            }
        }
    }

    private async Task<ImmutableCredentials> CredentialsAsync(string action)
    {
        try
        {
            var source = credentials ?? await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync();
            return await source.GetCredentialsAsync();
        }
        catch (AmazonClientException e)
        {
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.CloudForbidden, $"no AWS credentials for RDS {action}: {e.Message}",
                "set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or a web identity (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, as GitHub's OIDC gives)", inner: e);
        }
    }

    private Task WaitAsync(RetryConditionHeaderValue? retryAfter, ref TimeSpan delay, CancellationToken cancellationToken)
    {
        var wait = retryAfter?.Delta ?? (retryAfter?.Date is { } at ? at - clock.GetUtcNow() : delay);
        if (wait < TimeSpan.Zero) wait = TimeSpan.Zero;
        if (wait > options.ThrottleMaxDelay) wait = options.ThrottleMaxDelay;
        delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.ThrottleMaxDelay.Ticks));
        return Task.Delay(wait, clock, cancellationToken);
    }

    private static XElement Result(string action, string text)
    {
        var document = XDocument.Parse(text);
        return document.Root?.Element(Ns + $"{action}Result")
            ?? document.Root?.Elements().FirstOrDefault(e => e.Name.LocalName == $"{action}Result")
            ?? new XElement(Ns + $"{action}Result");
    }

    private static (string Code, string Message) Error(string text, HttpStatusCode status)
    {
        try
        {
            var error = XDocument.Parse(text).Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
            var code = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;
            var message = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value;
            if (code is not null) return (code, message ?? "");
        }
        catch (System.Xml.XmlException)
        {
            // Not XML (a proxy's page): the status says what there is to say.
        }
        return ($"HTTP{(int)status}", text.Length > 200 ? text[..200] : text);
    }
}

/// <summary>An RDS error answer other than throttling or a refusal.</summary>
internal sealed class RdsApiException(string action, string code, string message, int status)
    : SluiceException(ErrorKind.Failure, ErrorCodes.CloudApiFailed, $"RDS {action} failed ({code}: {message})",
        "see the message; docs/cloud.md lists what each operation needs")
{
    public string ErrorCode => code;

    public int Status => status;
}
