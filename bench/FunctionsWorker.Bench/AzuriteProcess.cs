using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace FunctionsWorker.Bench;

/// <summary>Azurite from node_modules on ports the OS picks, in memory, stopped (with its process tree) on dispose.</summary>
internal sealed partial class AzuriteProcess : IAsyncDisposable
{
    private const string AccountName = "devstoreaccount1";

    // The emulator's well-known development key, published in Azurite's documentation; not a secret.
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly Dictionary<string, int> _ports;
    private readonly ConcurrentQueue<string> _output;

    private AzuriteProcess(Process process, Dictionary<string, int> ports, ConcurrentQueue<string> output)
    {
        _process = process;
        _ports = ports;
        _output = output;
    }

    /// <summary>Null while Azurite runs; else its exit code and last output lines, for the error that stops the run.</summary>
    public string? ExitReport => _process.HasExited
        ? $"Azurite exited with code {_process.ExitCode}. Last output:\n{string.Join('\n', _output.TakeLast(20))}"
        : null;

    /// <summary>CPU the emulator has used so far (it shares the bench machine's cores with the worker).</summary>
    public TimeSpan TotalProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{_ports["Blob"]}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{_ports["Queue"]}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{_ports["Table"]}/{AccountName};";

    public static async Task<AzuriteProcess> StartAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(RepositoryPaths.Azurite))
        {
            throw new InvalidOperationException($"Azurite is not installed at {RepositoryPaths.Azurite}: run 'npm ci' in the repository root (scripts/bench.sh does).");
        }

        var start = new ProcessStartInfo(RepositoryPaths.Azurite)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in new[]
                 {
                     "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
                     "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
                     "--blobPort", "0", "--queuePort", "0", "--tablePort", "0",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new ConcurrentQueue<string>();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            Keep(output, e.Data);
            var match = e.Data is null ? Match.Empty : ListeningLine().Match(e.Data);
            if (!match.Success)
            {
                return;
            }

            lock (ports)
            {
                ports[match.Groups["service"].Value] = int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture);
                if (ports.Count == 3)
                {
                    listening.TrySetResult();
                }
            }
        };
        process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("Azurite exited before listening."));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new AzuriteProcess(process, ports, output);
        try
        {
            await listening.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            return azurite;
        }
        catch
        {
            await azurite.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _process.Dispose();
    }

    private static void Keep(ConcurrentQueue<string> output, string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 200)
        {
            output.TryDequeue(out _);
        }
    }

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at http://[^:]+:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}
