using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sluice.Adapters.Tests.Fakes;

/// <summary>
/// A Kestrel server on 127.0.0.1 and a free port, for the local fakes of cloud APIs. With <c>tls</c> it serves HTTPS
/// with a throwaway self-signed certificate, which a client trusts by <see cref="TrustsOnlyThisServer"/> (Azure.Core
/// sends a bearer token over HTTPS only).
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, X509Certificate2? certificate)
    {
        _app = app;
        Certificate = certificate;
        Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public Uri Address { get; }

    public X509Certificate2? Certificate { get; }

    public static async Task<LoopbackServer> StartAsync(Action<WebApplication> map, bool tls = false)
    {
        var certificate = tls ? SelfSigned() : null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => { if (certificate is not null) l.UseHttps(certificate); }));
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new LoopbackServer(app, certificate);
    }

    /// <summary>A handler that accepts this server's certificate and no other.</summary>
    public HttpClientHandler TrustsOnlyThisServer() => new()
    {
        ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented is not null && Certificate is not null && presented.Thumbprint == Certificate.Thumbprint,
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificate?.Dispose();
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Kestrel on Linux wants the key in a PKCS#12 round trip, not an ephemeral one.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
