using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FunctionsWorker.Bench;

/// <summary>
/// Section 3: starts <c>dotnet FunctionsWorker.dll</c> (the build of the bench's configuration) in an empty working
/// directory and polls <c>/api/health</c> every 5 ms from just before <see cref="Process.Start()"/> to the first 200.
/// Storage points at the default Azurite ports, where nothing listens: health must answer regardless.
/// </summary>
internal sealed class StartupBenchmark(BenchSettings settings)
{
    private const int WarmupRuns = 1;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public async Task<StartupReport> RunAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(RepositoryPaths.WorkerDll))
        {
            throw new InvalidOperationException($"{RepositoryPaths.WorkerDll} is missing: build the solution in {RepositoryPaths.Configuration} first.");
        }

        var configurations = new List<(string Name, string Dll, IReadOnlyDictionary<string, string?> Settings)>
        {
            ("default settings (no OCR)", RepositoryPaths.WorkerDll, new Dictionary<string, string?>()),
            ("OCR enabled, models load after listening", RepositoryPaths.WorkerDll, WorkerComposition.OcrSettings()),
        };
        if (File.Exists(RepositoryPaths.ReadyToRunWorkerDll))
        {
            // What the container runs: dotnet publish -p:PublishReadyToRun=true (scripts/bench.sh makes it).
            configurations.Add(("OCR enabled, ReadyToRun publish (as in the container)", RepositoryPaths.ReadyToRunWorkerDll, WorkerComposition.OcrSettings()));
        }

        var results = new List<StartupResult>();
        foreach (var (name, dll, extra) in configurations)
        {
            var runs = new List<double>();
            for (var run = -WarmupRuns; run < settings.StartupRuns; run++)
            {
                var elapsed = await MeasureOnceAsync(dll, extra, cancellationToken).ConfigureAwait(false);
                if (run >= 0)
                {
                    runs.Add(Statistics.Round(elapsed.TotalMilliseconds));
                }
            }

            var result = new StartupResult(name, runs, Statistics.Round(Statistics.Median(runs)), runs.Min(), runs.Max());
            results.Add(result);
            Console.WriteLine($"  {name}: median {result.MedianMs:F0} ms ({string.Join(", ", runs.Select(r => r.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))})");
        }

        return new StartupReport(settings.StartupRuns, WarmupRuns, PollInterval.TotalMilliseconds,
            Path.GetRelativePath(RepositoryPaths.Root, RepositoryPaths.WorkerDll), results);
    }

    private static async Task<TimeSpan> MeasureOnceAsync(string dll, IReadOnlyDictionary<string, string?> extra, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory.CreateTempSubdirectory("worker-bench-start-").FullName,
        };
        start.ArgumentList.Add(dll);
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in extra)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1), PooledConnectionLifetime = TimeSpan.Zero };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        var health = new Uri($"http://127.0.0.1:{port}/api/health");
        var output = new ConcurrentQueue<string>();

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    using var response = await http.GetAsync(health, cancellationToken).ConfigureAwait(false);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return clock.Elapsed;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet: the refused connection is the expected answer until Kestrel binds.
                }

                if (process.HasExited || clock.Elapsed > StartTimeout)
                {
                    throw new InvalidOperationException(
                        $"The worker gave no 200 on /api/health within {clock.Elapsed.TotalSeconds:F1} s (exited: {process.HasExited}). Output:\n{string.Join('\n', output.TakeLast(30))}");
                }

                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
