using System.Collections.Concurrent;
using Azure.Core;

namespace Sluice.Adapters.Tests.Azure;

/// <summary>A credential that hands out one fixed token, as Azure.Identity's would after a sign-in; it records the scopes asked for.</summary>
internal sealed class FixedTokenCredential(string token) : TokenCredential
{
    public ConcurrentQueue<string> Scopes { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        foreach (var scope in requestContext.Scopes) Scopes.Enqueue(scope);
        return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}
