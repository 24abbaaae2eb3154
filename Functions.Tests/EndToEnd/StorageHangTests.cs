using System.Diagnostics;
using System.Net;
using Functions.Tests.Fixtures;
using Xunit.Abstractions;

namespace Functions.Tests.EndToEnd;

/// <summary>
/// Storage that stops answering instead of refusing (Azurite under SIGSTOP: connections accepted, no answer): the real
/// worker turns not ready within a bounded time, never exits, resumes by itself, and still stops within its grace.
/// </summary>
public sealed class StorageHangTests(ITestOutputHelper output)
{
    [Fact]
    public async Task StorageFrozen_ReadyTurns503Quickly_WorkerStaysUp_AndResumesWhenItAnswers()
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
    public async Task Sigterm_WithStorageFrozen_AndJobsInFlight_ExitsWithinGracePlusMargin()
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
        var frozenAt = Stopwatch.GetTimestamp();
        try
        {
            await Eventually.HoldsAsync(async () => (await ReadyBodyAsync(worker)).Contains("storage unreachable", StringComparison.Ordinal), seconds: 30);
            var toNotReady = Stopwatch.GetElapsedTime(frozenAt);
            output.WriteLine($"storage frozen -> ready 503 in {toNotReady.TotalSeconds:0.0} s");
            // A heartbeat (1 s) plus the probe's own timeout (3 s), with room for a slow machine.
            Assert.True(toNotReady < TimeSpan.FromSeconds(12), $"ready turned 503 only after {toNotReady}");

            // Longer than one SDK call with all its retries: the worker is still up and healthy.
            await Task.Delay(TimeSpan.FromSeconds(20));
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
        await queue.WaitForStateAsync("after-hang", TimeSpan.FromSeconds(60), "Succeeded");
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
            var stopping = Stopwatch.GetTimestamp();
            worker.Terminate();
            Assert.True(await worker.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the worker did not exit within 30 s of SIGTERM");
            var took = Stopwatch.GetElapsedTime(stopping);
            output.WriteLine($"SIGTERM with storage frozen and 6 jobs in flight -> exit in {took.TotalSeconds:0.0} s");

            // Grace 2 s + settle margin 5 s, with room for a slow machine; never the minutes a hanging SDK call takes.
            Assert.True(took < TimeSpan.FromSeconds(15), $"exit took {took}");
            Assert.Equal(0, worker.ExitCode);
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
