using System.Globalization;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;

namespace Sluice.Aws.Rds;

/// <summary>
/// Signs a Query API request (a form POST to the service's root) with AWS Signature Version 4. The key derivation and
/// HMACs are AWSSDK.Core's (<see cref="AWS4Signer"/>); the canonical request is the one the SigV4 specification gives
/// for a request with no query string: method, path <c>/</c>, the signed headers and the body's SHA-256.
/// </summary>
internal static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>Sets <c>x-amz-date</c>, <c>x-amz-security-token</c> (temporary credentials) and <c>Authorization</c>.</summary>
    public static void Sign(HttpRequestMessage request, string body, ImmutableCredentials credentials, string region, string service, DateTime now)
    {
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = request.Content!.Headers.ContentType!.ToString(),
            ["host"] = request.RequestUri!.IsDefaultPort ? request.RequestUri.Host : $"{request.RequestUri.Host}:{request.RequestUri.Port}",
            ["x-amz-date"] = amzDate,
        };
        request.Headers.TryAddWithoutValidation("x-amz-date", amzDate);
        if (credentials.UseToken)
        {
            headers["x-amz-security-token"] = credentials.Token;
            request.Headers.TryAddWithoutValidation("x-amz-security-token", credentials.Token);
        }
        var signedHeaders = string.Join(';', headers.Keys);
        var scope = $"{date}/{region}/{service}/aws4_request";
        var signature = Signature(credentials.SecretKey, region, service, date, amzDate, scope, CanonicalRequest("POST", headers, body));
        request.Headers.TryAddWithoutValidation("Authorization",
            $"{Algorithm} Credential={credentials.AccessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    /// <summary>The canonical request of a request to <c>/</c> without a query string.</summary>
    public static string CanonicalRequest(string method, IReadOnlyDictionary<string, string> signedHeaders, string body)
    {
        var canonical = new StringBuilder().Append(method).Append("\n/\n\n");
        foreach (var (name, value) in signedHeaders.OrderBy(h => h.Key, StringComparer.Ordinal))
            canonical.Append(name).Append(':').Append(string.Join(' ', value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))).Append('\n');
        canonical.Append('\n').Append(string.Join(';', signedHeaders.Keys.Order(StringComparer.Ordinal))).Append('\n');
        return canonical.Append(Hex(AWS4Signer.ComputeHash(body))).ToString();
    }

    /// <summary>The hex signature of <paramref name="canonicalRequest"/> under the key derived for the scope.</summary>
    public static string Signature(string secretKey, string region, string service, string date, string amzDate, string scope, string canonicalRequest)
    {
        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{Hex(AWS4Signer.ComputeHash(canonicalRequest))}";
        var key = AWS4Signer.ComposeSigningKey(secretKey, region, date, service);
        return Hex(AWS4Signer.ComputeKeyedHash(SigningAlgorithm.HmacSHA256, key, stringToSign));
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
