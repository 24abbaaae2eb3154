using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FunctionsWorker.Bench;

/// <summary>
/// Section 3: starts <c>dotnet FunctionsWorker.dll</c> (the build of the bench's configuration), and beside it the bare
/// ASP.NET Core app and any publish of the worker found, in an empty working directory and polls <c>/api/health</c> every 5 ms from just before <see cref="Process.Start()"/> to the first 200.
/// Storage points at the default Azurite ports, where nothing listens: health must answer regardless.
/// </summary>
internal sealed class StartupBenchmark(BenchSettings settings)
{
    private const int WarmupRuns = 1;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public async Task<StartupReport> RunAsync(CancellationToken cancellationToken)
    {
        foreach (var required in new[] { RepositoryPaths.WorkerDll, RepositoryPaths.BareAppDll })
        {
            if (!File.Exists(required))
            {
                throw new InvalidOperationException($"{required} is missing: build the solution in {RepositoryPaths.Configuration} first.");
            }
        }

        var none = new Dictionary<string, string?>();
        var configurations = new List<StartupTarget>
        {
            new(BareAppName, "dotnet", RepositoryPaths.BareAppDll, none),
            new("default settings (no OCR)", "dotnet", RepositoryPaths.WorkerDll, none),
        };
        if (settings.StartupBaseline is { } baseline)
        {
            configurations.Add(new(BaselineName, "dotnet", baseline, none));
        }

        configurations.Add(new("OCR enabled, models load after listening", "dotnet", RepositoryPaths.WorkerDll, WorkerComposition.OcrSettings()));
        if (File.Exists(RepositoryPaths.ReadyToRunWorkerDll))
        {
            // The JIT publish for those who opt out of native AOT: -p:WorkerAot=false -p:PublishReadyToRun=true (scripts/bench.sh makes it).
            configurations.Add(new("OCR enabled, JIT ReadyToRun publish (-p:WorkerAot=false)", "dotnet", RepositoryPaths.ReadyToRunWorkerDll, WorkerComposition.OcrSettings()));
        }

        if (File.Exists(RepositoryPaths.AotWorker))
        {
            // The published build and the container's: native AOT (scripts/bench.sh --aot makes it).
            configurations.Add(new("OCR enabled, native AOT publish (as in the container)", RepositoryPaths.AotWorker, null, WorkerComposition.OcrSettings()));
        }

        // Alternating: one start of each configuration per round, so a change of load on the shared machine falls on
        // every configuration alike instead of on whichever ran during it.
        var runs = configurations.Select(_ => new List<double>()).ToArray();
        for (var round = -WarmupRuns; round < settings.StartupRuns; round++)
        {
            for (var i = 0; i < configurations.Count; i++)
            {
                var elapsed = await MeasureOnceAsync(configurations[i], cancellationToken).ConfigureAwait(false);
                if (round >= 0)
                {
                    runs[i].Add(Statistics.Round(elapsed.TotalMilliseconds));
                }
            }
        }

        var results = new List<StartupResult>();
        var bareMedian = Statistics.Median(runs[0]);
        for (var i = 0; i < configurations.Count; i++)
        {
            var median = Statistics.Median(runs[i]);
            var result = new StartupResult(configurations[i].Name, runs[i], Statistics.Round(median), runs[i].Min(), runs[i].Max(),
                Math.Round(median / bareMedian, 2));
            results.Add(result);
            Console.WriteLine($"  {result.Configuration}: median {result.MedianMs:F0} ms, {result.RatioToBare:F2}x bare ({string.Join(", ", runs[i].Select(r => r.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))})");
        }

        return new StartupReport(settings.StartupRuns, WarmupRuns, PollInterval.TotalMilliseconds,
            Path.GetRelativePath(RepositoryPaths.Root, RepositoryPaths.WorkerDll), results);
    }

    public const string BareAppName = "bare ASP.NET Core app (the floor)";

    private const string BaselineName = "baseline build (--startup-baseline), default settings";

    private static async Task<TimeSpan> MeasureOnceAsync(StartupTarget target, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(target.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory.CreateTempSubdirectory("worker-bench-start-").FullName,
        };
        if (target.Dll is not null)
        {
            start.ArgumentList.Add(target.Dll);
        }

        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in target.Settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1), PooledConnectionLifetime = TimeSpan.Zero };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        var health = new Uri($"http://127.0.0.1:{port}/api/health");
        var output = new ConcurrentQueue<string>();

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{target.FileName} did not start.");
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
                        $"{target.Name} gave no 200 on /api/health within {clock.Elapsed.TotalSeconds:F1} s (exited: {process.HasExited}). Output:\n{string.Join('\n', output.TakeLast(30))}");
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
