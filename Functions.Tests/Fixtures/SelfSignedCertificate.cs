using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core.Pipeline;

namespace Functions.Tests.Fixtures;

/// <summary>
/// A throwaway TLS certificate for 127.0.0.1 and localhost, written as PEM files for a local server (Azurite's
/// <c>--cert</c>/<c>--key</c>), and an HTTP transport that trusts exactly this certificate and nothing else self-signed.
/// </summary>
public sealed class SelfSignedCertificate : IDisposable
{
    private readonly string _directory;

    public SelfSignedCertificate()
    {
        _directory = Directory.CreateTempSubdirectory("azurite-tls-").FullName;
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        Certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        CertificatePath = Path.Combine(_directory, "cert.pem");
        KeyPath = Path.Combine(_directory, "key.pem");
        File.WriteAllText(CertificatePath, Certificate.ExportCertificatePem());
        File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem());
    }

    public X509Certificate2 Certificate { get; }

    public string CertificatePath { get; }

    public string KeyPath { get; }

    /// <summary>
    /// A transport for Azure SDK clients that accepts the server only when it presents this very certificate: the chain
    /// error of a self-signed certificate is forgiven for it alone, every other check stays.
    /// </summary>
    public HttpPipelineTransport CreateTransport()
    {
        var expected = Certificate.RawData;
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, errors) =>
            errors is System.Net.Security.SslPolicyErrors.None
            || (presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(expected));
        return new HttpClientTransport(handler);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
