using System.Globalization;
using System.Net.Sockets;

namespace FunctionsWorker.Chaos;

/// <summary>
/// Azurite from node_modules on fixed ports, persisting to a directory (<c>--location</c>), so a stop and start keeps
/// every queue, blob and table. Azurite saves its metadata every 5 s and on SIGTERM, so a restart here is SIGTERM
/// (a kill -9 alone would lose up to 5 s of acknowledged writes: a storage fault no worker can make up for).
/// </summary>
internal sealed class AzuriteServer : IAsyncDisposable
{
    private readonly string _location;
    private readonly string _logPath;
    private readonly bool _inMemory;
    private ChildProcess? _process;

    public AzuriteServer(string location, bool inMemory = false)
    {
        _location = location;
        _inMemory = inMemory;
        _logPath = Path.Combine(location, "azurite.log");
        Directory.CreateDirectory(location);
    }

    public int BlobPort { get; } = Ports.Free();

    public int QueuePort { get; } = Ports.Free();

    public int TablePort { get; } = Ports.Free();

    public string ConnectionString => StorageAccount.ConnectionString(BlobPort, QueuePort, TablePort);

    public async Task StartAsync()
    {
        if (!File.Exists(RepositoryPaths.Azurite))
        {
            throw new InvalidOperationException($"Azurite is not installed at {RepositoryPaths.Azurite}: run 'npm ci' in the repository root (scripts/chaos.sh does).");
        }

        string[] arguments =
        [
            _inMemory ? "--inMemoryPersistence" : "--location", .. _inMemory ? Array.Empty<string>() : [_location],
            "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", Port(BlobPort), "--queuePort", Port(QueuePort), "--tablePort", Port(TablePort),
        ];
        _process = ChildProcess.Start(RepositoryPaths.Azurite, arguments, new Dictionary<string, string>(), _logPath, _location);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        foreach (var port in new[] { BlobPort, QueuePort, TablePort })
        {
            while (!await ListensAsync(port).ConfigureAwait(false))
            {
                if (_process.HasExited || DateTimeOffset.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"Azurite did not listen on {port}; see {_logPath}");
                }

                await Task.Delay(100).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// SIGTERM: Azurite closes its three services, saving their data, and exits; with telemetry on, its process lingers,
    /// so once the log shows all three closed (or after 15 s) it gets a SIGKILL. False when the services had not all closed.
    /// </summary>
    public async Task<bool> StopAsync()
    {
        if (_process is null)
        {
            return true;
        }

        var closedBefore = ClosedServices();
        _process.Signal(15);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
        var graceful = false;
        while (!_process.HasExited && DateTimeOffset.UtcNow < deadline)
        {
            if (ClosedServices() >= closedBefore + 3)
            {
                graceful = true;
                break;
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        graceful |= _process.HasExited && ClosedServices() >= closedBefore + 3;
        await _process.KillAsync().ConfigureAwait(false);
        _process.Dispose();
        _process = null;
        return graceful;
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private int ClosedServices() =>
        File.Exists(_logPath) ? File.ReadLines(_logPath).Count(l => l.Contains("service successfully closed", StringComparison.Ordinal)) : 0;

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static async Task<bool> ListensAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
