using System.Net;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Functions.Tests.Fixtures;
using SkiaSharp;
using Xunit.Abstractions;

namespace Functions.Tests.EndToEnd;

/// <summary>
/// Several real worker processes on one queue: a worker killed with -9 shows as stale to the others, and a worker that
/// joins a backlog (OCR or thumbnails, two or three workers) gets a fair share of it instead of watching the first one
/// hold every message.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class FleetProcessTests(ITestOutputHelper output)
{
    /// <summary>The part of an equal share of the jobs left that each joining worker must run at least.</summary>
    private const double FairShare = 0.7;

    /// <summary>
    /// With three workers on two cores, the first and two joiners: 0.6 of an equal share each (20%), and the joiners
    /// together at least half of what was left. Measured in CI: one joiner ran 21.8% while the other ran 53.6%.
    /// </summary>
    private const double FairShareOfThree = 0.6;

    private static readonly string Assets = Path.Combine(RepositoryPaths.Root, "node_modules", "@gutenye", "ocr-models", "assets");

    [Fact]
    public async Task KilledWorker_IsMarkedStale_InTheOthersFleetView()
    {
        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        try
        {
            var settings = Settings(azurite, "fleet-stale");
            await using var survivor = WorkerProcess.Start(settings);
            await using var victim = WorkerProcess.Start(settings);
            await WorkerProcessTests.WaitForHealthAsync(survivor);
            await WorkerProcessTests.WaitForHealthAsync(victim);
            await Eventually.HoldsAsync(async () => (await WorkersAsync(survivor)).Count(w => w!["state"]!.GetValue<string>() == "ready") == 2, seconds: 60);

            var victimId = (await WorkersAsync(victim)).Select(w => w!["workerId"]!.GetValue<string>()).Single(id => id.EndsWith($"-{victim.Id}", StringComparison.Ordinal));
            Assert.DoesNotContain(await WorkersAsync(survivor), w => w!["stale"]!.GetValue<bool>());
            victim.KillHard();

            // Stale after three missed beats (heartbeat 1 s); the deadline is only a hang guard.
            await Eventually.HoldsAsync(async () => (await WorkersAsync(survivor)).Any(w => w!["workerId"]!.GetValue<string>() == victimId && w["stale"]!.GetValue<bool>()), seconds: 180);
            Assert.DoesNotContain(await WorkersAsync(survivor), w => w!["workerId"]!.GetValue<string>() != victimId && w["stale"]!.GetValue<bool>());
            var status = JsonNode.Parse(await survivor.Http.GetStringAsync("/api/status"))!;
            Assert.Equal(1, status["fleet"]!["stale"]!.GetValue<int>());
        }
        finally
        {
            await azurite.StopAsync();
        }
    }

    /// <summary>
    /// Workers that join while the first is busy each run at least <see cref="FairShare"/> (three workers: <see cref="FairShareOfThree"/>) of an equal share of the jobs
    /// left at their spawn (warm-up included): 35% of them with two workers, 20% each with three. Counted from the
    /// records' worker ids, against the jobs not yet done when they were started.
    /// </summary>
    [Theory]
    [InlineData("ocr", 2)]
    [InlineData("ocr", 3)]
    [InlineData("thumbnail", 2)]
    [InlineData("thumbnail", 3)]
    public async Task WorkersJoiningABacklog_EachGetAFairShare_CountedFromTheirStart(string pipeline, int workers)
    {
        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        try
        {
            var queueName = $"fleet-{pipeline}-{workers}";
            var settings = Settings(azurite, queueName);
            var queue = new JobQueue(azurite.ConnectionString, queueName, "jobs");
            int jobs;
            JsonObject? parameters = null;
            if (pipeline == "ocr")
            {
                settings["Pipelines:Ocr:Enabled"] = "true";
                settings["Models:ocr-det:Source"] = "file://" + Path.Combine(Assets, "ch_PP-OCRv4_det_infer.onnx");
                settings["Models:ocr-rec:Source"] = "file://" + Path.Combine(Assets, "ch_PP-OCRv4_rec_infer.onnx");
                settings["Models:ocr-dict:Source"] = "file://" + Path.Combine(Assets, "ppocr_keys_v1.txt");
                await queue.UploadAsync("inputs", "input.png", TextImageRenderer.Render(
                    [.. Enumerable.Range(1, 12).Select(i => $"Line {i}: the quick brown fox jumps over the lazy dog {i * 7}")], 28, SKColors.Black, SKColors.White));
                jobs = 40;
            }
            else
            {
                // A large photo-sized input, so each job costs tens of milliseconds and the backlog outlasts a start.
                await queue.UploadAsync("inputs", "input.png", LargeImage());
                parameters = new JsonObject { ["maxSide"] = 320 };
                jobs = 400;
            }

            // The backlog first, then the first worker; joiners are started once it is busy with it, as KEDA adds
            // replicas for a long queue.
            foreach (var chunk in Enumerable.Range(0, jobs).Chunk(50))
            {
                await Task.WhenAll(chunk.Select(i => queue.SendAsync(JobQueue.Job($"fair-{i}", pipeline, "input.png", parameters?.DeepClone().AsObject()))));
            }

            await using var first = WorkerProcess.Start(settings);
            await PollAsync(async () => await SucceededAsync(queue) > 0);
            var doneAtStart = await SucceededAsync(queue);
            var joiners = new List<WorkerProcess>();
            try
            {
                for (var i = 1; i < workers; i++)
                {
                    joiners.Add(WorkerProcess.Start(settings));
                }

                await Eventually.HoldsAsync(async () => await SucceededAsync(queue) == jobs, seconds: 300);
                var left = jobs - doneAtStart;
                output.WriteLine($"{jobs} {pipeline} jobs, {workers} workers: {doneAtStart} done when the joiners started, {left} left");
                // The backlog must still be there when they start, or the shares below say nothing.
                Assert.True(left >= jobs / 2, $"only {left} of {jobs} jobs were left when the joiners started");

                var byWorker = await JobsByWorkerAsync(queue);
                var fairShare = (workers == 2 ? FairShare : FairShareOfThree) * left / workers;
                foreach (var joiner in joiners)
                {
                    var share = byWorker.Where(w => w.Key.EndsWith($"-{joiner.Id}", StringComparison.Ordinal)).Sum(w => w.Value);
                    output.WriteLine($"joiner {joiner.Id} ran {share} of {left} ({100.0 * share / left:0}%)");
                    Assert.True(share >= fairShare, $"joiner {joiner.Id} ran {share} of the {left} left, under {fairShare:0.0}: {string.Join(", ", byWorker)}");
                }

                var joined = byWorker.Where(w => joiners.Any(j => w.Key.EndsWith($"-{j.Id}", StringComparison.Ordinal))).Sum(w => w.Value);
                Assert.True(joined >= (workers == 2 ? FairShare / 2 : 0.5) * left, $"the joiners ran {joined} of the {left} left together: {string.Join(", ", byWorker)}");
            }
            finally
            {
                foreach (var joiner in joiners)
                {
                    await joiner.DisposeAsync();
                }
            }
        }
        finally
        {
            await azurite.StopAsync();
        }
    }

    private static byte[] LargeImage()
    {
        using var bitmap = new SKBitmap(3200, 2400);
        using (var canvas = new SKCanvas(bitmap))
        {
            using var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(3200, 2400), [SKColors.SteelBlue, SKColors.Orange], SKShaderTileMode.Clamp);
            using var paint = new SKPaint { Shader = shader };
            canvas.DrawRect(0, 0, 3200, 2400, paint);
        }

        return TextImageRenderer.Encode(bitmap);
    }

    /// <summary>Polls every 100 ms; three minutes is a hang guard, not a claim.</summary>
    private static async Task PollAsync(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (!await condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
        }
    }

    /// <summary>The fair-* records in one query (a read per record would lag the thumbnails it counts).</summary>
    private static async Task<List<TableEntity>> RecordsAsync(JobQueue queue)
    {
        var records = new List<TableEntity>();
        try
        {
            await foreach (var record in queue.Table.QueryAsync<TableEntity>("PartitionKey ge 'fair-' and PartitionKey lt 'fair.' and RowKey eq 'job'"))
            {
                records.Add(record);
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            // The first worker creates the table as it starts.
        }

        return records;
    }

    private static async Task<int> SucceededAsync(JobQueue queue) => (await RecordsAsync(queue)).Count(r => r.GetString("State") == "Succeeded");

    private static async Task<Dictionary<string, int>> JobsByWorkerAsync(JobQueue queue) =>
        (await RecordsAsync(queue)).GroupBy(r => r.GetString("WorkerId")!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    private static Dictionary<string, string> Settings(AzuriteFixture azurite, string queue) => new()
    {
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["JobsQueueName"] = queue,
        ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.250",
        ["AzureFunctionsJobHost:worker:heartbeatInterval"] = "00:00:01",
        ["Inference:ModelCacheDirectory"] = Path.Combine(Path.GetTempPath(), "fleet-models-" + Guid.NewGuid().ToString("N")[..8]),
    };

    private static async Task<JsonArray> WorkersAsync(WorkerProcess worker) =>
        JsonNode.Parse(await worker.Http.GetStringAsync("/api/workers"))!.AsArray();
}
