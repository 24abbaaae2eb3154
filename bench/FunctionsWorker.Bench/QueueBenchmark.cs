using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using FunctionsWorker.Triggers.Http;
using FunctionsWorker.Triggers.Queue;
using FunctionsWorker.Inference;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Bench;

/// <summary>
/// Section 2: Azurite started here, the worker hosted in this process (same composition as Program.cs, OS-chosen
/// port), the images uploaded once; each run enqueues M <c>ocr</c> jobs (base64 JSON, schema v1) and times the
/// first enqueue to the latest <c>completedAt</c> once every record in table <c>jobs</c> says Succeeded.
/// </summary>
internal sealed class QueueBenchmark(BenchSettings settings, IReadOnlyList<BenchImage> images)
{
    private const string InputContainer = "inputs";
    /// <summary>
    /// The time comes from the records' <c>CompletedAt</c>, so the bench looks rarely: a query every 25 ms loaded the
    /// emulator and the cores it measured.
    /// </summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan BatchTimeout = TimeSpan.FromMinutes(10);

    public async Task<QueueReport> RunAsync(double inProcessJobsPerSecond, CancellationToken cancellationToken)
    {
        await using var azurite = await AzuriteProcess.StartAsync(cancellationToken).ConfigureAwait(false);
        Console.WriteLine("  azurite listening");
        var builder = WorkerComposition.CreateBuilder(azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = settings.MaxPollingInterval.ToString("c", CultureInfo.InvariantCulture),
        });
        await using var app = builder.Build();
        app.MapFunctions();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var stopped = false;
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            var ready = Stopwatch.StartNew();
            await WaitForReadyAsync(new Uri(address), cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"  worker ready at {address} in {ready.ElapsedMilliseconds} ms");

            var queue = new QueueClient(azurite.ConnectionString, WorkerComposition.QueueName);
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var table = new TableClient(azurite.ConnectionString, WorkerComposition.TableName);
            await UploadImagesAsync(new BlobServiceClient(azurite.ConnectionString), cancellationToken).ConfigureAwait(false);

            // One unmeasured batch of one job per image: first-use costs of the storage clients and the Azurite tables.
            await RunBatchAsync(queue, table, "warm", images.Count, cancellationToken).ConfigureAwait(false);
            Console.WriteLine("  warm-up batch done");
            var results = new List<QueueRunResult>();
            for (var run = 1; run <= settings.QueueRuns; run++)
            {
                QueueRunResult result;
                try
                {
                    result = await RunBatchAsync(queue, table, $"run{run}", settings.Jobs, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (azurite.ExitReport is { } exited)
                {
                    // A dead emulator shows up as refused connections deep in the SDK: say what actually happened.
                    throw new InvalidOperationException($"Run {run} failed because Azurite stopped: {exited}", ex);
                }

                results.Add(result);
                Console.WriteLine($"  run {run}/{settings.QueueRuns}: {result.Jobs} jobs in {result.Seconds:F2} s = {result.JobsPerSecond:F2} jobs/s");
            }

            var median = Statistics.Median(results.Select(r => r.JobsPerSecond));
            // The sweep's workers must not share the queue with this one.
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            stopped = true;
            var concurrency = new List<ConcurrencyResult>();
            foreach (var jobsAtOnce in ConcurrencyLevels)
            {
                concurrency.Add(await RunAtConcurrencyAsync(azurite.ConnectionString, queue, table, jobsAtOnce, cancellationToken).ConfigureAwait(false));
            }

            return new QueueReport(
                settings.Jobs,
                settings.QueueRuns,
                app.Services.GetRequiredService<IOptions<QueuesOptions>>().Value.BatchSize,
                settings.MaxPollingInterval.TotalMilliseconds,
                app.Services.GetRequiredService<ModelCache>().GetSnapshot().Device.Effective?.ToString().ToLowerInvariant() ?? "none",
                results,
                Statistics.Round(median, 2),
                inProcessJobsPerSecond,
                Statistics.Round(median / inProcessJobsPerSecond, 3),
                concurrency);
        }
        finally
        {
            if (!stopped)
            {
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Jobs the worker may run at once in the throughput sweep (batchSize 1, newBatchThreshold n - 1).</summary>
    private static readonly int[] ConcurrencyLevels = [1, 2, 4, 8, 32];

    /// <summary>A fresh worker allowed <paramref name="jobsAtOnce"/> jobs at a time: one warm batch, then one measured batch.</summary>
    private async Task<ConcurrencyResult> RunAtConcurrencyAsync(
        string connectionString, QueueClient queue, TableClient table, int jobsAtOnce, CancellationToken cancellationToken)
    {
        var workerSettings = new Dictionary<string, string?>
        {
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = settings.MaxPollingInterval.ToString("c", CultureInfo.InvariantCulture),
        };
        WorkerComposition.AtMostJobsAtOnce(workerSettings, jobsAtOnce);
        var builder = WorkerComposition.CreateBuilder(connectionString, workerSettings);
        await using var app = builder.Build();
        app.MapFunctions();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            await WaitForReadyAsync(new Uri(address), cancellationToken).ConfigureAwait(false);
            await RunBatchAsync(queue, table, $"c{jobsAtOnce}-warm", images.Count, cancellationToken).ConfigureAwait(false);
            var result = await RunBatchAsync(queue, table, $"c{jobsAtOnce}-run", settings.Jobs, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"  {jobsAtOnce} at once: {result.Jobs} jobs in {result.Seconds:F2} s = {result.JobsPerSecond:F2} jobs/s");
            return new ConcurrencyResult(jobsAtOnce, result.Jobs, result.Seconds, result.JobsPerSecond, result.MedianJobDurationMs);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task UploadImagesAsync(BlobServiceClient blobs, CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(InputContainer);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var image in images)
        {
            await container.GetBlobClient(BlobName(image)).UploadAsync(BinaryData.FromBytes(image.Content), overwrite: true, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<QueueRunResult> RunBatchAsync(QueueClient queue, TableClient table, string prefix, int count, CancellationToken cancellationToken)
    {
        var messages = Enumerable.Range(0, count)
            .Select(i => Convert.ToBase64String(Encoding.UTF8.GetBytes(Job($"{prefix}-{i:D4}", images[i % images.Count]).ToJsonString())))
            .ToList();

        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        // Sent concurrently, as a producer with work ready would; the send time is part of the measured span.
        await Task.WhenAll(messages.Select(message => queue.SendMessageAsync(message, cancellationToken))).ConfigureAwait(false);

        // PartitionKey is the jobId: a range over the batch's prefix ('-' sorts just before '.').
        var filter = $"PartitionKey ge '{prefix}-' and PartitionKey lt '{prefix}.'";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(BatchTimeout);
        while (true)
        {
            var records = new List<TableEntity>();
            await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: timeout.Token).ConfigureAwait(false))
            {
                records.Add(entity);
            }

            var failed = records.FirstOrDefault(r => r.GetString("State") is "Poisoned" or "Released" or "Retrying");
            if (failed is not null)
            {
                throw new InvalidOperationException(
                    $"Job {failed.PartitionKey} is {failed.GetString("State")}: {failed.GetString("ErrorType")} {failed.GetString("ErrorMessage")}");
            }

            if (records.Count == count && records.All(r => r.GetString("State") == "Succeeded"))
            {
                var observed = clock.Elapsed.TotalSeconds;
                var finished = records.Max(r => r.GetDateTimeOffset("CompletedAt") ?? DateTimeOffset.UtcNow);
                var seconds = (finished - started).TotalSeconds;
                return new QueueRunResult(
                    count,
                    Statistics.Round(seconds, 3),
                    Statistics.Round(count / seconds, 2),
                    Statistics.Round(Statistics.Median(records.Select(r => (double)(r.GetInt64("QueueWaitMs") ?? 0)))),
                    Statistics.Round(Statistics.Median(records.Select(r => (double)(r.GetInt64("DurationMs") ?? 0)))),
                    Statistics.Round(observed, 3));
            }

            await Task.Delay(PollInterval, timeout.Token).ConfigureAwait(false);
        }
    }

    private JsonObject Job(string jobId, BenchImage image) => new()
    {
        ["jobId"] = jobId,
        ["pipeline"] = "ocr",
        ["input"] = new JsonObject { ["container"] = InputContainer, ["blob"] = BlobName(image) },
        ["output"] = new JsonObject { ["container"] = "outputs", ["prefix"] = jobId + "/" },
        ["parameters"] = new JsonObject { ["overlay"] = settings.Overlay },
    };

    private static string BlobName(BenchImage image) => $"bench/{image.Name}.png";

    private static async Task WaitForReadyAsync(Uri address, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        var last = "no answer";
        while (deadline.Elapsed < TimeSpan.FromMinutes(3))
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/api/ready", UriKind.Relative), cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"The worker was not ready within 3 minutes: {last}");
    }
}
