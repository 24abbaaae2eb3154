using System.Net;
using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;
using SkiaSharp;
using Xunit.Abstractions;

namespace Functions.Tests.EndToEnd;

/// <summary>
/// Several real worker processes on one queue: a worker killed with -9 shows as stale to the others, and a worker that
/// joins a backlog gets a fair share of it instead of watching the first one hold every message.
/// </summary>
public sealed class FleetProcessTests(ITestOutputHelper output)
{
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

    [Fact]
    public async Task WorkerJoiningABacklog_GetsAFairShare_OfTheOcrJobsLeft()
    {
        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        try
        {
            var settings = Settings(azurite, "fleet-fair");
            settings["Pipelines:Ocr:Enabled"] = "true";

            // Nine detector shapes to warm instead of 36 at the default 960, so the joining worker is ready well before
            // the first has drained the backlog, even on a loaded 2-core machine.
            settings["Pipelines:Ocr:MaxSide"] = "480";
            settings["Models:ocr-det:Source"] = "file://" + Path.Combine(Assets, "ch_PP-OCRv4_det_infer.onnx");
            settings["Models:ocr-rec:Source"] = "file://" + Path.Combine(Assets, "ch_PP-OCRv4_rec_infer.onnx");
            settings["Models:ocr-dict:Source"] = "file://" + Path.Combine(Assets, "ppocr_keys_v1.txt");
            var queue = new JobQueue(azurite.ConnectionString, "fleet-fair", "jobs");
            var page = TextImageRenderer.Render(
                [.. Enumerable.Range(1, 12).Select(i => $"Line {i}: the quick brown fox jumps over the lazy dog {i * 7}")], 28, SKColors.Black, SKColors.White);
            await queue.UploadAsync("inputs", "page.png", page);

            await using var first = WorkerProcess.Start(settings);
            await WorkerProcessTests.WaitForHealthAsync(first);
            await Eventually.HoldsAsync(async () => (await first.Http.GetAsync("/api/ready")).StatusCode == HttpStatusCode.OK, seconds: 60);
            const int Jobs = 40;
            for (var i = 0; i < Jobs; i++)
            {
                await queue.SendAsync(JobQueue.Job($"fair-{i}", "ocr", "page.png"));
            }

            // The second worker starts once the backlog is there, as KEDA adds a replica for a long queue, and warms
            // while the first works; its share is counted against the jobs still to do when it turned ready and fetched.
            await using var second = WorkerProcess.Start(settings);
            await WorkerProcessTests.WaitForHealthAsync(second);
            await Eventually.HoldsAsync(async () => (await second.Http.GetAsync("/api/ready")).StatusCode == HttpStatusCode.OK, seconds: 60);
            var doneWhenReady = await SucceededAsync(queue, Jobs);
            await Eventually.HoldsAsync(async () => await SucceededAsync(queue, Jobs) == Jobs, seconds: 180);

            var byWorker = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < Jobs; i++)
            {
                var workerId = (await queue.GetRecordAsync($"fair-{i}"))!.GetString("WorkerId")!;
                byWorker[workerId] = byWorker.GetValueOrDefault(workerId) + 1;
            }

            var secondShare = byWorker.GetValueOrDefault(byWorker.Keys.SingleOrDefault(k => k.EndsWith($"-{second.Id}", StringComparison.Ordinal)) ?? "none");
            var left = Jobs - doneWhenReady;
            output.WriteLine($"{Jobs} OCR jobs; {doneWhenReady} done when the second worker turned ready; it ran {secondShare} of the {left} left ({100.0 * secondShare / left:0}%)");
            Assert.True(secondShare >= left / 4, $"the second worker ran {secondShare} of {left}: {string.Join(", ", byWorker)}");
        }
        finally
        {
            await azurite.StopAsync();
        }
    }

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

    private static async Task<int> SucceededAsync(JobQueue queue, int jobs)
    {
        var done = 0;
        for (var i = 0; i < jobs; i++)
        {
            if ((await queue.GetRecordAsync($"fair-{i}"))?.GetString("State") == "Succeeded")
            {
                done++;
            }
        }

        return done;
    }
}
