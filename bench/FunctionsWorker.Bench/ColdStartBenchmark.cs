using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace FunctionsWorker.Bench;

/// <summary>
/// Section cold-start: the real worker process, models fetched from <c>blob://models/...</c> in Azurite (SHA-256
/// checked) into an empty cache, one OCR job already in the queue: process start → health 200 → each model fetched
/// and loaded (the worker's own log lines) → ready 200 → the job's <c>result.json</c>. Returns markdown lines.
/// </summary>
internal sealed partial class ColdStartBenchmark(IReadOnlyList<BenchImage> images)
{
    private const int Runs = 3;
    private static readonly string[] ModelFiles = ["ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx", "ppocr_keys_v1.txt"];
    private static readonly string[] ModelNames = ["ocr-det", "ocr-rec", "ocr-dict"];

    public async Task<List<string>> RunAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(RepositoryPaths.AotWorker) && !File.Exists(RepositoryPaths.WorkerDll))
        {
            throw new InvalidOperationException($"{RepositoryPaths.WorkerDll} is missing: build the solution in {RepositoryPaths.Configuration} first.");
        }

        await using var azurite = await AzuriteProcess.StartAsync(cancellationToken).ConfigureAwait(false);
        var blobs = new BlobServiceClient(azurite.ConnectionString);
        var models = blobs.GetBlobContainerClient("models");
        await models.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var environment = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["JobsQueueName"] = WorkerComposition.QueueName,
            ["JobsTableName"] = WorkerComposition.TableName,
            ["Pipelines__Ocr__Enabled"] = "true",
            ["AzureFunctionsJobHost__extensions__queues__maxPollingInterval"] = "00:00:00.1",
            ["Logging__LogLevel__Default"] = "Information",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        for (var i = 0; i < ModelFiles.Length; i++)
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Models, ModelFiles[i]), cancellationToken).ConfigureAwait(false);
            await models.GetBlobClient(ModelFiles[i]).UploadAsync(BinaryData.FromBytes(bytes), overwrite: true, cancellationToken).ConfigureAwait(false);
            environment[$"Models__{ModelNames[i]}__Source"] = "blob://models/" + ModelFiles[i];
            environment[$"Models__{ModelNames[i]}__Sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes));
        }

        var inputs = blobs.GetBlobContainerClient("inputs");
        await inputs.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var image = images.First(i => i.Name == "receipt");
        await inputs.GetBlobClient("bench/receipt.png").UploadAsync(BinaryData.FromBytes(image.Content), overwrite: true, cancellationToken).ConfigureAwait(false);
        var queue = new QueueClient(azurite.ConnectionString, WorkerComposition.QueueName);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var outputs = blobs.GetBlobContainerClient("outputs");

        await NodeReference.EnsureInstalledAsync(cancellationToken).ConfigureAwait(false);
        var imagePath = Path.Combine(Directory.CreateTempSubdirectory("worker-bench-reference-").FullName, "receipt.png");
        await File.WriteAllBytesAsync(imagePath, image.Content, cancellationToken).ConfigureAwait(false);
        var rows = new List<string>();
        var ratios = new List<string>();
        for (var run = 1; run <= Runs; run++)
        {
            // Alternating in each round: the worker with an empty cache, the worker restarted on that cache (a replica
            // restarted on its node), the Node reference; the ratios compare figures of the same round.
            var cache = Directory.CreateTempSubdirectory("worker-bench-cold-cache-").FullName;
            var (cold, coldMs) = await MeasureOnceAsync(environment, queue, outputs, $"cold-{run}", cache, cancellationToken).ConfigureAwait(false);
            rows.Add($"| {run} | empty cache | {cold} |");
            Console.WriteLine($"  cold start {run}, empty cache: {cold}");
            var (warm, warmMs) = await MeasureOnceAsync(environment, queue, outputs, $"warm-{run}", cache, cancellationToken).ConfigureAwait(false);
            rows.Add($"| {run} | warm cache | {warm} |");
            Console.WriteLine($"  cold start {run}, warm cache: {warm}");
            var (referenceMs, lines) = await NodeReference.SpawnToFirstTextAsync(imagePath, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"  reference {run}: first text ({lines} lines) at {referenceMs:F0} ms");
            ratios.Add($"| {run} | {coldMs:F0} | {warmMs:F0} | {referenceMs:F0} ({lines} lines) | {coldMs / referenceMs:F3} | {warmMs / referenceMs:F3} |");
        }

        return
        [
            "## Cold start to the first OCR result",
            string.Empty,
            $"`{Worker().Command}` started in an empty directory with an empty model cache, the three model files served from `blob://models/...` in Azurite (in memory, same machine) with their SHA-256 set, one OCR job (receipt.png, overlay) enqueued just before the start. Times from `Process.Start`: health and ready polled every 10 ms, `result.json` every 10 ms; per model, the worker's own log line (event 3010/3014: fetch, load, warm-up ms; models are fetched and loaded in parallel, `Task.WhenAll` in `ModelCache.WarmAsync`). {Runs} runs, no warm-up run (every run is cold for the model cache; the OS file cache keeps the runtime warm after the first).",
            string.Empty,
            "| run | model cache | health 200 ms | ocr-det fetch / load / warm ms | ocr-rec fetch / load / warm ms | ocr-dict fetch ms | ready 200 ms | first result.json ms |",
            "|---|---|---|---|---|---|---|---|",
            .. rows,
            string.Empty,
            "Against the Node reference (`@gutenye/ocr-node` 1.4.8, the same PP-OCRv4 models on onnxruntime-node, `bench/node-reference/first-text.mjs`): `node` spawned to the first recognised text of the same receipt, read from a local file (the worker reads it from Azurite and writes `result.json` back), in the same round.",
            string.Empty,
            "| run | worker, empty cache: first result.json ms | worker, warm cache ms | reference: spawn to first text ms | empty cache / reference | warm cache / reference |",
            "|---|---|---|---|---|---|",
            .. ratios,
            string.Empty,
        ];
    }

    /// <summary>The native AOT publish (the container's build) when <c>scripts/bench.sh --aot</c> made it, else the JIT build.</summary>
    private static (string FileName, string? Dll, string Command) Worker() =>
        File.Exists(RepositoryPaths.AotWorker)
            ? (RepositoryPaths.AotWorker, null, Path.GetRelativePath(RepositoryPaths.Root, RepositoryPaths.AotWorker) + " (native AOT, as in the container)")
            : ("dotnet", RepositoryPaths.WorkerDll, "dotnet " + Path.GetRelativePath(RepositoryPaths.Root, RepositoryPaths.WorkerDll));

    /// <summary>One start on <paramref name="cacheDirectory"/>: the table row and the first result's time (ms).</summary>
    private static async Task<(string Row, double ResultMs)> MeasureOnceAsync(
        Dictionary<string, string> environment, QueueClient queue, BlobContainerClient outputs, string jobId, string cacheDirectory, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var worker = Worker();
        var start = new ProcessStartInfo(worker.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory.CreateTempSubdirectory("worker-bench-cold-").FullName,
        };
        if (worker.Dll is { } dll)
        {
            start.ArgumentList.Add(dll);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["Inference__ModelCacheDirectory"] = cacheDirectory;
        var job = new JsonObject
        {
            ["jobId"] = jobId,
            ["pipeline"] = "ocr",
            ["input"] = new JsonObject { ["container"] = "inputs", ["blob"] = "bench/receipt.png" },
            ["parameters"] = new JsonObject { ["overlay"] = true },
        };
        await queue.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(job.ToJsonString())), cancellationToken).ConfigureAwait(false);

        using var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1) }) { Timeout = TimeSpan.FromSeconds(5) };
        var lines = new ConcurrentQueue<(double Ms, string Line)>();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{worker.FileName} did not start.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lines.Enqueue((clock.Elapsed.TotalMilliseconds, e.Data)); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lines.Enqueue((clock.Elapsed.TotalMilliseconds, e.Data)); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        double? health = null, ready = null, result = null;
        try
        {
            var resultBlob = outputs.GetBlobClient(jobId + "/result.json");
            while (result is null)
            {
                if (process.HasExited || clock.Elapsed > TimeSpan.FromMinutes(3))
                {
                    throw new InvalidOperationException($"No result within {clock.Elapsed.TotalSeconds:F0} s (exited: {process.HasExited}):\n{string.Join('\n', lines.TakeLast(30).Select(l => l.Line))}");
                }

                health ??= await OkAsync(http, port, "health", clock, cancellationToken).ConfigureAwait(false);
                if (health is not null)
                {
                    ready ??= await OkAsync(http, port, "ready", clock, cancellationToken).ConfigureAwait(false);
                }

                if (ready is not null && (await resultBlob.ExistsAsync(cancellationToken).ConfigureAwait(false)).Value)
                {
                    result = clock.Elapsed.TotalMilliseconds;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken).ConfigureAwait(false);
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

        string Model(string name)
        {
            var match = lines.Select(l => (l.Ms, Match: ModelReady().Match(l.Line))).FirstOrDefault(l => l.Match.Success && l.Match.Groups["name"].Value == name);
            return match.Match is { Success: true } m
                ? $"{m.Groups["fetch"].Value} / {m.Groups["load"].Value} / {m.Groups["warm"].Value} (logged at {match.Ms:F0})"
                : "not logged";
        }

        var dict = lines.Select(l => (l.Ms, Match: FileReady().Match(l.Line))).FirstOrDefault(l => l.Match.Success);
        var dictText = dict.Match is { Success: true } d ? $"{d.Groups["fetch"].Value} (logged at {dict.Ms:F0})" : "not logged";
        return ($"{health:F0} | {Model("ocr-det")} | {Model("ocr-rec")} | {dictText} | {ready:F0} | {result:F0}", result!.Value);
    }

    private static async Task<double?> OkAsync(HttpClient http, int port, string endpoint, Stopwatch clock, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/api/{endpoint}"), cancellationToken).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.OK ? clock.Elapsed.TotalMilliseconds : null;
        }
        catch (HttpRequestException)
        {
            // Not listening yet.
            return null;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"Model (?<name>\S+) ready on \S+ \(from cache: \w+; fetch (?<fetch>\d+) ms, load (?<load>\d+) ms, warm-up (?<warm>\d+) ms\)")]
    private static partial Regex ModelReady();

    [GeneratedRegex(@"File (?<name>\S+) ready at .* \(from cache: \w+; fetch (?<fetch>\d+) ms\)")]
    private static partial Regex FileReady();
}
