using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using FunctionsWorker.Pipelines;
using FunctionsWorker.Triggers.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace FunctionsWorker.Bench;

/// <summary>
/// Section queue-path: the storage operations one job costs (counted by <see cref="CountingTransport"/>), the worker's
/// own CPU per job outside the pipeline, queue against in-process throughput at the same concurrency, what the
/// empty-poll back-off costs a lone job, back-to-back single jobs, and 32 OCR jobs with dynamic concurrency on and off.
/// Returns markdown lines for queue-path.md.
/// </summary>
internal sealed class QueuePathBenchmark(BenchSettings settings, IReadOnlyList<BenchImage> images)
{
    private const string InputContainer = "inputs";
    private const string OutputContainer = "outputs";
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How often a run of many jobs is looked at: its time comes from the records' <c>CompletedAt</c>, so the bench
    /// need not poll the storage (and the two cores) it measures every few milliseconds.
    /// </summary>
    private static readonly TimeSpan ManyPoll = TimeSpan.FromMilliseconds(250);

    private int _sequence;
    private TableClient? _records;

    public async Task<List<string>> RunAsync(CancellationToken cancellationToken)
    {
        var md = new List<string>();
        await using var azurite = await AzuriteProcess.StartAsync(cancellationToken).ConfigureAwait(false);
        var blobs = new BlobServiceClient(azurite.ConnectionString);
        var inputs = blobs.GetBlobContainerClient(InputContainer);
        await inputs.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var image in images)
        {
            await inputs.GetBlobClient(BlobName(image)).UploadAsync(BinaryData.FromBytes(image.Content), overwrite: true, cancellationToken).ConfigureAwait(false);
        }

        var queue = new QueueClient(azurite.ConnectionString, WorkerComposition.QueueName);
        _records = new TableClient(azurite.ConnectionString, WorkerComposition.TableName);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var outputs = blobs.GetBlobContainerClient(OutputContainer);

        await CountOperationsAsync(azurite.ConnectionString, queue, outputs, md, cancellationToken).ConfigureAwait(false);
        await CpuAndThroughputAsync(azurite, queue, outputs, md, cancellationToken).ConfigureAwait(false);
        await PollingLatencyAsync(azurite.ConnectionString, queue, outputs, md, cancellationToken).ConfigureAwait(false);
        await DynamicConcurrencyAsync(azurite.ConnectionString, queue, outputs, md, cancellationToken).ConfigureAwait(false);
        return md;
    }

    /// <summary>One job at a time, each kind three times after one unmeasured job: the operations between its send and its message's delete.</summary>
    private async Task CountOperationsAsync(string connection, QueueClient queue, BlobContainerClient outputs, List<string> md, CancellationToken cancellationToken)
    {
        Console.WriteLine("  storage operations per job");
        var transport = new CountingTransport(WorkerComposition.TableName);
        await using var app = await StartWorkerAsync(connection, Polling(TimeSpan.FromMilliseconds(100)), transport, cancellationToken).ConfigureAwait(false);
        md.Add("## Storage operations per successful job");
        md.Add(string.Empty);
        md.Add("One worker, `maxPollingInterval` 100 ms, one job at a time, counted in the worker's HTTP transport from just before the send to the message's delete (the job's own calls; empty receives made meanwhile are listed apart). Three jobs per kind after one unmeasured job; the counts of the three are shown.");
        md.Add(string.Empty);
        foreach (var kind in new[] { "thumbnail", "ocr" })
        {
            var image = images.First(i => i.Name == "receipt");
            await RunOneAsync(queue, outputs, kind, image, cancellationToken).ConfigureAwait(false);
            var diffs = new List<IReadOnlyDictionary<string, int>>();
            for (var i = 0; i < 3; i++)
            {
                var before = transport.Snapshot();
                var deletes = before.GetValueOrDefault("queue delete message");
                await RunOneAsync(queue, outputs, kind, image, cancellationToken).ConfigureAwait(false);
                var deadline = Stopwatch.StartNew();
                while (transport.Snapshot().GetValueOrDefault("queue delete message") <= deletes && deadline.Elapsed < TimeSpan.FromSeconds(10))
                {
                    await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
                }

                diffs.Add(transport.Since(before));
            }

            md.Add($"**{kind}** (receipt.png):");
            md.Add(string.Empty);
            md.Add("| operation | job 1 | job 2 | job 3 |");
            md.Add("|---|---|---|---|");
            foreach (var name in diffs.SelectMany(d => d.Keys).Distinct().Order(StringComparer.Ordinal))
            {
                md.Add($"| {name} | {string.Join(" | ", diffs.Select(d => d.GetValueOrDefault(name)))} |");
            }

            var own = diffs.Select(d => d.Where(kv => kv.Key != "queue receive (empty)").Sum(kv => kv.Value)).ToList();
            md.Add($"| **total without empty receives** | {string.Join(" | ", own)} |");
            md.Add(string.Empty);
            Console.WriteLine($"  {kind}: {string.Join(", ", own)} operations per job");
        }

        var idle = transport.Snapshot();
        await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        var idleReceives = transport.Since(idle).GetValueOrDefault("queue receive (empty)");
        md.Add($"Idle for 10 s at `maxPollingInterval` 100 ms: {idleReceives} empty receives ({idleReceives * 360} an hour).");
        md.Add(string.Empty);
        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// The same jobs through the queue (batchSize 1, newBatchThreshold 1: two at once) and through the pipeline in
    /// process (two at once), alternating, two rounds each: wall time and this process's CPU time for each.
    /// </summary>
    private async Task CpuAndThroughputAsync(AzuriteProcess azurite, QueueClient queue, BlobContainerClient outputs, List<string> md, CancellationToken cancellationToken)
    {
        var connection = azurite.ConnectionString;
        const int atOnce = 2;
        var jobs = settings.Jobs;
        Console.WriteLine($"  CPU and throughput, {jobs} OCR jobs, {atOnce} at once");
        var composition = WorkerComposition.CreateBuilder("UseDevelopmentStorage=true", new Dictionary<string, string?>());
        await using var pipelineApp = composition.Build();
        await WorkerComposition.WarmAsync(pipelineApp, cancellationToken).ConfigureAwait(false);

        var pipeline = WorkerComposition.OcrPipeline(pipelineApp.Services);
        var workerSettings = Polling(TimeSpan.FromMilliseconds(100));
        WorkerComposition.AtMostJobsAtOnce(workerSettings, atOnce);
        await using var app = await StartWorkerAsync(connection, workerSettings, null, cancellationToken).ConfigureAwait(false);
        await RunManyAsync(queue, outputs, "ocr", images.Count, cancellationToken).ConfigureAwait(false);

        var queueRuns = new List<(double Seconds, double CpuMs)>();
        var azuriteCpu = new List<double>();
        var processRuns = new List<(double Seconds, double CpuMs)>();
        for (var round = 0; round < 2; round++)
        {
            var cpu = Cpu();
            var emulator = azurite.TotalProcessorTime;
            var seconds = await RunManyAsync(queue, outputs, "ocr", jobs, cancellationToken).ConfigureAwait(false);
            queueRuns.Add((seconds, (Cpu() - cpu).TotalMilliseconds));
            azuriteCpu.Add((azurite.TotalProcessorTime - emulator).TotalMilliseconds / jobs);

            cpu = Cpu();
            var clock = Stopwatch.StartNew();
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, atOnce).Select(async _ =>
            {
                for (var i = Interlocked.Increment(ref next); i < jobs; i = Interlocked.Increment(ref next))
                {
                    var image = images[i % images.Count];
                    await pipeline.RunAsync(new PipelineContext
                    {
                        JobId = "cpu-" + i,
                        InputName = image.Name + ".png",
                        Input = BinaryData.FromBytes(image.Content),
                        Parameters = new PipelineParameters(new JsonObject { ["overlay"] = settings.Overlay }),
                    }, cancellationToken).ConfigureAwait(false);
                }
            })).ConfigureAwait(false);
            processRuns.Add((clock.Elapsed.TotalSeconds, (Cpu() - cpu).TotalMilliseconds));
            Console.WriteLine($"  round {round + 1}: queue {jobs / queueRuns[^1].Seconds:F2} jobs/s, in process {jobs / processRuns[^1].Seconds:F2} jobs/s");
        }

        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        var queueRate = Statistics.Median(queueRuns.Select(r => jobs / r.Seconds));
        var processRate = Statistics.Median(processRuns.Select(r => jobs / r.Seconds));
        var queueCpu = Statistics.Median(queueRuns.Select(r => r.CpuMs / jobs));
        var processCpu = Statistics.Median(processRuns.Select(r => r.CpuMs / jobs));
        md.Add($"## Worker CPU outside the pipeline, and throughput at the same concurrency ({jobs} OCR jobs, {atOnce} at once)");
        md.Add(string.Empty);
        md.Add("Alternating, two rounds each, medians. Queue: the worker hosted in the bench process (batchSize 1, newBatchThreshold 1, dynamic concurrency off), time from the first send to the last `completedAt`. In process: the same jobs through the `ocr` pipeline, two tasks taking jobs in turn. CPU is this process's `TotalProcessorTime` over the run (the bench's own look at the results every 250 ms included); Azurite's, another process on the same two cores, is given apart.");
        md.Add(string.Empty);
        md.Add("| path | jobs/s (rounds) | CPU ms per job (rounds) |");
        md.Add("|---|---|---|");
        md.Add($"| through Azurite | {queueRate:F2} ({string.Join(", ", queueRuns.Select(r => (jobs / r.Seconds).ToString("F2", CultureInfo.InvariantCulture)))}) | {queueCpu:F0} ({string.Join(", ", queueRuns.Select(r => (r.CpuMs / jobs).ToString("F0", CultureInfo.InvariantCulture)))}) |");
        md.Add($"| in process | {processRate:F2} ({string.Join(", ", processRuns.Select(r => (jobs / r.Seconds).ToString("F2", CultureInfo.InvariantCulture)))}) | {processCpu:F0} ({string.Join(", ", processRuns.Select(r => (r.CpuMs / jobs).ToString("F0", CultureInfo.InvariantCulture)))}) |");
        md.Add(string.Empty);
        md.Add($"Queue / in process: **{queueRate / processRate:F3}** (goal ≥ 0.95: {(queueRate / processRate >= 0.95 ? "met" : "not met")}). Worker CPU per job outside the pipeline: **{queueCpu - processCpu:F0} ms** ({(queueCpu - processCpu) / processCpu:P1} of the pipeline's {processCpu:F0} ms). Azurite's CPU per job: **{Statistics.Median(azuriteCpu):F0} ms** ({string.Join(", ", azuriteCpu.Select(c => c.ToString("F0", CultureInfo.InvariantCulture)))}); with the worker's, what the two cores spend on each job beside the pipeline.");
        md.Add(string.Empty);
    }

    /// <summary>Lone thumbnail jobs after the listener has backed off to its cap, and a run of single jobs each sent when the one before finished.</summary>
    private async Task PollingLatencyAsync(string connection, QueueClient queue, BlobContainerClient outputs, List<string> md, CancellationToken cancellationToken)
    {
        md.Add("## Empty-poll back-off: a lone job's latency, and back-to-back single jobs");
        md.Add(string.Empty);
        md.Add("Thumbnail jobs (receipt.png, `maxSide` 256), enqueue → `result.json` seen (the bench looks every 10 ms). Lone: the worker idle for 3 × `maxPollingInterval` + a random 0-1 s first, so its back-off sits at the cap; 5 jobs. Back-to-back: 10 jobs, each sent as soon as the previous `result.json` is seen.");
        md.Add(string.Empty);
        md.Add("| maxPollingInterval | lone: median (min-max) ms | back-to-back: median (min-max) ms | idle receives/hour (computed: 3600 s / 0.9 cap) |");
        md.Add("|---|---|---|---|");
        var random = new Random(12);
        var image = images.First(i => i.Name == "receipt");
        foreach (var cap in new[] { TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2) })
        {
            Console.WriteLine($"  lone and back-to-back jobs, maxPollingInterval {cap.TotalMilliseconds} ms");
            await using var app = await StartWorkerAsync(connection, Polling(cap), null, cancellationToken).ConfigureAwait(false);
            await RunOneAsync(queue, outputs, "thumbnail", image, cancellationToken).ConfigureAwait(false);
            var lone = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                await Task.Delay(cap * 3 + TimeSpan.FromMilliseconds(random.Next(1000)), cancellationToken).ConfigureAwait(false);
                lone.Add(await RunOneAsync(queue, outputs, "thumbnail", image, cancellationToken).ConfigureAwait(false));
            }

            var chain = new List<double>();
            for (var i = 0; i < 10; i++)
            {
                chain.Add(await RunOneAsync(queue, outputs, "thumbnail", image, cancellationToken).ConfigureAwait(false));
            }

            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            md.Add($"| {cap.TotalMilliseconds:F0} ms | {Statistics.Median(lone):F0} ({lone.Min():F0}-{lone.Max():F0}) | {Statistics.Median(chain):F0} ({chain.Min():F0}-{chain.Max():F0}) | {3600 / (0.9 * cap.TotalSeconds):F0} |");
            Console.WriteLine($"  lone {string.Join(", ", lone.Select(l => l.ToString("F0", CultureInfo.InvariantCulture)))}; back-to-back {string.Join(", ", chain.Select(l => l.ToString("F0", CultureInfo.InvariantCulture)))}");
        }

        md.Add("| 1 min (default outside Development) | not measured: ≈ 27 s on average, up to 60 s (computed: at the cap each wait is 48-60 s, jitter clamped to the cap) | not measured | 67 |");
        md.Add(string.Empty);
        await FullWorkerGapsAsync(connection, queue, outputs, md, cancellationToken).ConfigureAwait(false);
        md.Add(string.Empty);
    }

    /// <summary>
    /// A worker that runs one job at a time (batchSize 1, newBatchThreshold 0) with a 2 s polling cap, ten thumbnail
    /// jobs queued at once: the gap between one job's <c>CompletedAt</c> and the next one's <c>StartedAt</c> is the fetch
    /// after a slot frees (the listener waits on the in-flight jobs, then receives at once; no back-off while full).
    /// </summary>
    private async Task FullWorkerGapsAsync(string connection, QueueClient queue, BlobContainerClient outputs, List<string> md, CancellationToken cancellationToken)
    {
        Console.WriteLine("  one job at a time, ten queued: gaps between jobs");
        var workerSettings = Polling(TimeSpan.FromSeconds(2));
        WorkerComposition.AtMostJobsAtOnce(workerSettings, 1);
        await using var app = await StartWorkerAsync(connection, workerSettings, null, cancellationToken).ConfigureAwait(false);
        var image = images.First(i => i.Name == "receipt");
        await RunOneAsync(queue, outputs, "thumbnail", image, cancellationToken).ConfigureAwait(false);
        var first = _sequence + 1;
        await RunManyAsync(queue, outputs, "thumbnail", 10, cancellationToken).ConfigureAwait(false);
        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        var table = new TableClient(connection, WorkerComposition.TableName);
        var records = new List<TableEntity>();
        for (var n = first; n < first + 10; n++)
        {
            records.Add((await table.GetEntityAsync<TableEntity>($"qp-thumbnail-{n:D5}", "job", cancellationToken: cancellationToken).ConfigureAwait(false)).Value);
        }

        var ordered = records.OrderBy(r => r.GetDateTimeOffset("StartedAt")).ToList();
        var gaps = ordered.Zip(ordered.Skip(1), (a, b) => (b.GetDateTimeOffset("StartedAt")!.Value - a.GetDateTimeOffset("CompletedAt")!.Value).TotalMilliseconds).ToList();
        md.Add($"One job at a time (batchSize 1, newBatchThreshold 0, dynamic concurrency off, `maxPollingInterval` 2 s), ten thumbnail jobs queued at once: the gap from one job's `CompletedAt` to the next one's `StartedAt` (records in the table) is median **{Statistics.Median(gaps):F0} ms** (min {gaps.Min():F0}, max {gaps.Max():F0}; it includes the message delete, the receive and the next job's first reads). While full, the listener waits on the in-flight jobs and fetches as soon as one ends; the back-off applies only after an empty receive.");
        md.Add(string.Empty);
        Console.WriteLine($"  gaps {string.Join(", ", gaps.Select(g => g.ToString("F0", CultureInfo.InvariantCulture)))}");
    }

    /// <summary>32 OCR jobs sent at once to one worker with dynamic concurrency on, then off, twice, a fresh worker each time.</summary>
    private async Task DynamicConcurrencyAsync(string connection, QueueClient queue, BlobContainerClient outputs, List<string> md, CancellationToken cancellationToken)
    {
        const int jobs = 32;
        var rates = new Dictionary<bool, List<double>> { [true] = [], [false] = [] };
        for (var round = 0; round < 2; round++)
        {
            foreach (var dynamic in new[] { true, false })
            {
                var workerSettings = Polling(TimeSpan.FromMilliseconds(100));
                workerSettings["AzureFunctionsJobHost:concurrency:dynamicConcurrencyEnabled"] = dynamic ? "true" : "false";
                await using var app = await StartWorkerAsync(connection, workerSettings, null, cancellationToken).ConfigureAwait(false);
                await RunManyAsync(queue, outputs, "ocr", images.Count, cancellationToken).ConfigureAwait(false);
                var seconds = await RunManyAsync(queue, outputs, "ocr", jobs, cancellationToken).ConfigureAwait(false);
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                rates[dynamic].Add(jobs / seconds);
                Console.WriteLine($"  dynamic {dynamic}: {jobs / seconds:F2} jobs/s");
            }
        }

        var on = Statistics.Median(rates[true]);
        var off = Statistics.Median(rates[false]);
        md.Add("## Dynamic concurrency: 32 OCR jobs, one worker");
        md.Add(string.Empty);
        md.Add("`AzureFunctionsJobHost:concurrency:dynamicConcurrencyEnabled` true, then false, twice, a fresh worker each time (one warm job per image first); 32 jobs sent at once, first send → the last record's `completedAt`. Static: batchSize 16, newBatchThreshold 8 (host.json).");
        md.Add(string.Empty);
        md.Add("| dynamic concurrency | jobs/s (rounds) |");
        md.Add("|---|---|");
        md.Add($"| on | {on:F2} ({string.Join(", ", rates[true].Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}) |");
        md.Add($"| off | {off:F2} ({string.Join(", ", rates[false].Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}) |");
        md.Add(string.Empty);
        md.Add($"On / off: **{on / off:F2}**.");
        md.Add(string.Empty);
    }

    private static Dictionary<string, string?> Polling(TimeSpan cap) => new()
    {
        ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = cap.ToString("c", CultureInfo.InvariantCulture),
    };

    private static TimeSpan Cpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static async Task<WebApplication> StartWorkerAsync(string connection, Dictionary<string, string?> workerSettings, HttpPipelineTransport? transport, CancellationToken cancellationToken)
    {
        var builder = WorkerComposition.CreateBuilder(connection, workerSettings);
        if (transport is not null)
        {
            builder.Services.AddSingleton(transport);
        }

        var app = builder.Build();
        app.MapFunctions();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        using var http = new HttpClient { BaseAddress = address };
        var deadline = Stopwatch.StartNew();
        while ((await http.GetAsync(new Uri("/api/ready", UriKind.Relative), cancellationToken).ConfigureAwait(false)).StatusCode != HttpStatusCode.OK)
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new TimeoutException("The worker was not ready within 3 minutes.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
        }

        return app;
    }

    /// <summary>Sends one job and returns the milliseconds from the send to its <c>result.json</c>.</summary>
    private async Task<double> RunOneAsync(QueueClient queue, BlobContainerClient outputs, string pipeline, BenchImage image, CancellationToken cancellationToken)
    {
        var jobId = NextJobId(pipeline);
        var clock = Stopwatch.StartNew();
        await queue.SendMessageAsync(Message(jobId, pipeline, image), cancellationToken).ConfigureAwait(false);
        await WaitForResultAsync(outputs, jobId, Poll, cancellationToken).ConfigureAwait(false);
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>Sends <paramref name="count"/> jobs at once and returns the seconds from the first send to the last <c>result.json</c> seen.</summary>
    /// <summary>Sends <paramref name="count"/> jobs at once; seconds from just before the first send to the last record's <c>CompletedAt</c>.</summary>
    private async Task<double> RunManyAsync(QueueClient queue, BlobContainerClient outputs, string pipeline, int count, CancellationToken cancellationToken)
    {
        var ids = Enumerable.Range(0, count).Select(_ => NextJobId(pipeline)).ToList();
        var sent = DateTimeOffset.UtcNow;
        await Task.WhenAll(ids.Select((id, i) => queue.SendMessageAsync(Message(id, pipeline, images[i % images.Count]), cancellationToken))).ConfigureAwait(false);
        var last = DateTimeOffset.MinValue;
        foreach (var id in ids)
        {
            await WaitForResultAsync(outputs, id, ManyPoll, cancellationToken).ConfigureAwait(false);
            DateTimeOffset? completed;
            while ((completed = (await _records!.GetEntityAsync<TableEntity>(id, "job", cancellationToken: cancellationToken).ConfigureAwait(false)).Value.GetDateTimeOffset("CompletedAt")) is null)
            {
                // result.json is written before the record's final upsert.
                await Task.Delay(ManyPoll, cancellationToken).ConfigureAwait(false);
            }

            last = completed.Value > last ? completed.Value : last;
        }

        return (last - sent).TotalSeconds;
    }

    private static async Task WaitForResultAsync(BlobContainerClient outputs, string jobId, TimeSpan poll, CancellationToken cancellationToken)
    {
        var result = outputs.GetBlobClient(jobId + "/result.json");
        var deadline = Stopwatch.StartNew();
        while (!(await result.ExistsAsync(cancellationToken).ConfigureAwait(false)).Value)
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"No result.json for {jobId} within 5 minutes.");
            }

            await Task.Delay(poll, cancellationToken).ConfigureAwait(false);
        }
    }

    private string NextJobId(string pipeline) => $"qp-{pipeline}-{Interlocked.Increment(ref _sequence):D5}";

    private string Message(string jobId, string pipeline, BenchImage image)
    {
        var job = new JsonObject
        {
            ["jobId"] = jobId,
            ["pipeline"] = pipeline,
            ["input"] = new JsonObject { ["container"] = InputContainer, ["blob"] = BlobName(image) },
            ["output"] = new JsonObject { ["container"] = OutputContainer, ["prefix"] = jobId + "/" },
            ["parameters"] = pipeline == "ocr" ? new JsonObject { ["overlay"] = settings.Overlay } : new JsonObject { ["maxSide"] = 256 },
        };
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(job.ToJsonString()));
    }

    private static string BlobName(BenchImage image) => $"bench/{image.Name}.png";
}
