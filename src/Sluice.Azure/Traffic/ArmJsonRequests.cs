using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.ResourceManager;
using Sluice.Errors;

namespace Sluice.Azure.Traffic;

/// <summary>
/// Plain JSON requests to Azure Resource Manager through <see cref="ArmClient"/>'s own pipeline (its bearer token,
/// retries, logging with redaction and endpoint), for the App Service operations the generic-resource API cannot
/// express: Azure.ResourceManager.AppService is not used, so the api-version is pinned here.
/// </summary>
internal sealed class ArmJsonRequests : ArmResource
{
    public ArmJsonRequests(ArmClient client, ResourceIdentifier id) : base(client, id) { }

    public string EndpointAddress => Endpoint.GetLeftPart(UriPartial.Authority);

    public async Task<(int Status, JsonObject? Body, string Text)> SendAsync(RequestMethod method, string path, string apiVersion, JsonObject? body, ErrorKind kind, CancellationToken cancellationToken)
    {
        var uri = new RequestUriBuilder();
        uri.Reset(Endpoint);
        uri.AppendPath(path, escape: false);
        uri.AppendQuery("api-version", apiVersion, true);
        var (status, parsed, text, _) = await SendAsync(method, uri, body, kind, cancellationToken);
        return (status, parsed, text);
    }

    /// <summary>A request to <paramref name="uri"/> as given (an <c>Azure-AsyncOperation</c> or <c>Location</c> address,
    /// which carries its own api-version), with the response's headers.</summary>
    public async Task<(int Status, JsonObject? Body, string Text, ResponseHeaders Headers)> SendAsync(RequestMethod method, RequestUriBuilder uri, JsonObject? body, ErrorKind kind, CancellationToken cancellationToken)
    {
        using var message = Pipeline.CreateMessage();
        var request = message.Request;
        request.Method = method;
        request.Uri = uri;
        request.Headers.Add("Accept", "application/json");
        if (body is not null)
        {
            request.Headers.Add("Content-Type", "application/json");
            request.Content = RequestContent.Create(BinaryData.FromString(body.ToJsonString()));
        }
        try
        {
            await Pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationFailedException e)
        {
            throw ArmFailures.NoToken(kind, EndpointAddress, e);
        }
        catch (RequestFailedException e) when (e.Status == 0)
        {
            throw ArmFailures.Unreachable(kind, EndpointAddress, e);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is RequestFailedException { Status: 0 }))
        {
            // The retry policy gave up: one failed attempt each, the last one says why.
            throw ArmFailures.Unreachable(kind, EndpointAddress, e.InnerExceptions[^1]);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw ArmFailures.Unreachable(kind, EndpointAddress, e);
        }
        var text = message.Response.Content.ToString();
        JsonObject? parsed = null;
        try { parsed = string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text) as JsonObject; }
        catch (System.Text.Json.JsonException) { parsed = null; }
        return (message.Response.Status, parsed, text, message.Response.Headers);
    }
}
