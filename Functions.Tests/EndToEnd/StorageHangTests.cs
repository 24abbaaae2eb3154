using System.Net;
using Functions.Tests.Fixtures;

namespace Functions.Tests.EndToEnd;

/// <summary>
/// Storage that stops answering instead of refusing (Azurite under SIGSTOP: connections accepted, no answer): the real
/// worker turns not ready with the reason while health stays 200, outlives a fetch that gives up, resumes by itself, and
/// on SIGTERM gives up settling what storage will not take instead of hanging.
/// </summary>
public sealed class StorageHangTests
{
    [Fact]
    public async Task StorageFrozen_ReadyTurns503_WorkerStaysUp_AndResumesWhenItAnswers()
    {
        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        try
        {
            await FrozenThenThawedAsync(azurite);
        }
        finally
        {
            await azurite.StopAsync();
        }
    }

    [Fact]
    public async Task Sigterm_WithStorageFrozen_AndJobsInFlight_GivesUpSettlingAndExits()
    {
        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        try
        {
            await SigtermWhileFrozenAsync(azurite);
        }
        finally
        {
            await azurite.StopAsync();
        }
    }

    private async Task FrozenThenThawedAsync(AzuriteFixture azurite)
    {
        await using var worker = WorkerProcess.Start(Settings(azurite));
        await WorkerProcessTests.WaitForHealthAsync(worker);
        await Eventually.HoldsAsync(async () => (await worker.Http.GetAsync("/api/ready")).StatusCode == HttpStatusCode.OK, seconds: 60);

        await azurite.FreezeAsync();
        try
        {
            // Ready turns 503 with the reason while health stays 200; the deadlines are only hang guards.
            await Eventually.HoldsAsync(async () => (await ReadyBodyAsync(worker)).Contains("storage unreachable", StringComparison.Ordinal), seconds: 180);
            Assert.Equal(HttpStatusCode.OK, (await worker.Http.GetAsync("/api/health")).StatusCode);

            // Once the listener's fetch has given up (one SDK call with all its retries), the worker is still up and healthy.
            await Eventually.HoldsAsync(() => Task.FromResult(worker.Output.Contains("Storage unavailable for queue hang", StringComparison.Ordinal) || worker.HasExited), seconds: 180);
            Assert.False(worker.HasExited, worker.Output);
            Assert.Equal(HttpStatusCode.OK, (await worker.Http.GetAsync("/api/health")).StatusCode);
        }
        finally
        {
            await azurite.ThawAsync();
        }

        await Eventually.HoldsAsync(async () => (await worker.Http.GetAsync("/api/ready")).StatusCode == HttpStatusCode.OK, seconds: 60);
        var queue = new JobQueue(azurite.ConnectionString, "hang", "jobs");
        await queue.UploadAsync("inputs", "a.png", TestImages.Png(40, 40));
        await queue.SendAsync(JobQueue.Job("after-hang", "thumbnail", "a.png"));
        await queue.WaitForStateAsync("after-hang", TimeSpan.FromMinutes(3), "Succeeded");
    }

    private async Task SigtermWhileFrozenAsync(AzuriteFixture azurite)
    {
        var settings = Settings(azurite);
        settings["Pipelines:Delay:Enabled"] = "true";
        // Static batches, so all six minute-long jobs are in flight at once.
        settings["AzureFunctionsJobHost:concurrency:dynamicConcurrencyEnabled"] = "false";
        await using var worker = WorkerProcess.Start(settings);
        await WorkerProcessTests.WaitForHealthAsync(worker);
        await Eventually.HoldsAsync(async () => (await worker.Http.GetAsync("/api/ready")).StatusCode == HttpStatusCode.OK, seconds: 60);
        var queue = new JobQueue(azurite.ConnectionString, "hang", "jobs");
        await queue.UploadAsync("inputs", "a.png", TestImages.Png(10, 10));
        for (var i = 0; i < 6; i++)
        {
            await queue.SendAsync(JobQueue.Job($"long-{i}", "delay", "a.png", new System.Text.Json.Nodes.JsonObject { ["ms"] = 60_000 }));
        }

        await Eventually.HoldsAsync(async () => (await queue.GetRecordAsync("long-5"))?.GetString("State") == "Running", seconds: 30);
        await azurite.FreezeAsync();
        try
        {
            worker.Terminate();

            // The claim is the path, not a duration: the worker waits its grace for the six jobs, gives up settling
            // them (storage is frozen) when the settle deadline passes, and exits 0 while storage is still frozen. The
            // 3 minutes are only a hang guard.
            Assert.True(await worker.WaitForExitAsync(TimeSpan.FromMinutes(3)), "the worker hung after SIGTERM:\n" + worker.Output);
            Assert.Equal(0, worker.ExitCode);
            Assert.Contains("waiting up to 00:00:02 for 6 in-flight jobs", worker.Output, StringComparison.Ordinal);
            Assert.Contains("could not be settled", worker.Output, StringComparison.Ordinal);
        }
        finally
        {
            await azurite.ThawAsync();
        }
    }

    private static Dictionary<string, string> Settings(AzuriteFixture azurite) => new()
    {
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["JobsQueueName"] = "hang",
        ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.250",
        ["AzureFunctionsJobHost:worker:heartbeatInterval"] = "00:00:01",
        ["AzureFunctionsJobHost:worker:shutdownGracePeriod"] = "00:00:02",
    };

    private static async Task<string> ReadyBodyAsync(WorkerProcess worker) =>
        await (await worker.Http.GetAsync("/api/ready")).Content.ReadAsStringAsync();
}
