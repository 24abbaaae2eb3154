using System.Diagnostics;
using System.Text.RegularExpressions;
using Azure.Core.Pipeline;
using Azure.Storage;
using Azure.Storage.Sas;

namespace Functions.Tests.Fixtures;

/// <summary>
/// A real Azurite from node_modules on free ports with in-memory persistence, started once per test collection
/// and stopped when the collection ends. <see cref="WithOAuth"/> starts one that serves HTTPS with a throwaway
/// certificate and accepts bearer tokens besides the account key.
/// </summary>
public sealed partial class AzuriteFixture : IAsyncLifetime
{
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private int[] _requestedPorts = [0, 0, 0];
    private Process? _process;
    private SelfSignedCertificate? _certificate;

    /// <summary>An Azurite that will listen on the given ports, so a worker can be pointed at it before it runs.</summary>
    public static AzuriteFixture OnPorts(int blobPort, int queuePort, int tablePort) => new()
    {
        _requestedPorts = [blobPort, queuePort, tablePort],
        BlobPort = blobPort,
        QueuePort = queuePort,
        TablePort = tablePort,
    };

    /// <summary>Azurite over HTTPS with <c>--oauth basic</c> (which needs HTTPS): the identity-based settings' emulator.</summary>
    public static AzuriteFixture WithOAuth() => new() { _certificate = new SelfSignedCertificate() };

    /// <summary>For clients of an HTTPS Azurite: trusts its certificate. Null for plain HTTP.</summary>
    public HttpPipelineTransport? Transport { get; private set; }

    public string Scheme => _certificate is null ? "http" : "https";

    public int BlobPort { get; private set; }

    public int QueuePort { get; private set; }

    public int TablePort { get; private set; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol={Scheme};AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint={BlobServiceUri};QueueEndpoint={QueueServiceUri};TableEndpoint={TableServiceUri};";

    /// <summary>
    /// An account SAS for every service, resource type and permission, signed with the emulator's key, as a producer
    /// or an operator would paste one: the query string, without its '?'.
    /// </summary>
    public string AccountSas() =>
        new AccountSasBuilder(AccountSasPermissions.All, DateTimeOffset.UtcNow.AddHours(2), AccountSasServices.All, AccountSasResourceTypes.All)
            .ToSasQueryParameters(new StorageSharedKeyCredential(AccountName, AccountKey)).ToString();

    /// <summary>A connection string of endpoints and an account SAS (no account key), as Functions accepts for AzureWebJobsStorage.</summary>
    public string SasConnectionString(string sas) =>
        $"BlobEndpoint={BlobServiceUri};QueueEndpoint={QueueServiceUri};TableEndpoint={TableServiceUri};SharedAccessSignature={sas}";

    public Uri BlobServiceUri => new($"{Scheme}://127.0.0.1:{BlobPort}/{AccountName}");

    public Uri QueueServiceUri => new($"{Scheme}://127.0.0.1:{QueuePort}/{AccountName}");

    public Uri TableServiceUri => new($"{Scheme}://127.0.0.1:{TablePort}/{AccountName}");

    public async Task InitializeAsync()
    {
        var azurite = Path.Combine(RepositoryPaths.Root, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException($"Azurite is not installed at {azurite}: run 'npm ci' in the repository root (scripts/test.sh does).");
        }

        var start = new ProcessStartInfo(azurite)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in new[]
                 {
                     "--inMemoryPersistence", "--skipApiVersionCheck", "--silent", "--loose", "--disableTelemetry",
                     "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
                     "--blobPort", $"{_requestedPorts[0]}", "--queuePort", $"{_requestedPorts[1]}", "--tablePort", $"{_requestedPorts[2]}",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        if (_certificate is not null)
        {
            foreach (var argument in new[] { "--cert", _certificate.CertificatePath, "--key", _certificate.KeyPath, "--oauth", "basic" })
            {
                start.ArgumentList.Add(argument);
            }

            Transport = _certificate.CreateTransport();
        }

        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) =>
        {
            var match = e.Data is null ? Match.Empty : ListeningLine().Match(e.Data);
            if (!match.Success)
            {
                return;
            }

            var port = int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
            lock (listening)
            {
                switch (match.Groups["service"].Value)
                {
                    case "Blob": BlobPort = port; break;
                    case "Queue": QueuePort = port; break;
                    case "Table": TablePort = port; break;
                }

                seen.Add(match.Groups["service"].Value);
                if (seen.Count == 3)
                {
                    listening.TrySetResult();
                }
            }
        };
        _process.ErrorDataReceived += (_, _) => { };
        _process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("Azurite exited before listening."));
        _process.EnableRaisingEvents = true;
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public Task DisposeAsync() => StopAsync();

    /// <summary>SIGSTOP: Azurite keeps its sockets open and accepts connections, but never answers: storage that hangs.</summary>
    public Task FreezeAsync() => SignalAsync("-STOP");

    /// <summary>SIGCONT: the frozen Azurite answers again.</summary>
    public Task ThawAsync() => SignalAsync("-CONT");

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [signal, _process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _certificate?.Dispose();
        _certificate = null;
    }

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at https?://[^:]+:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}
