using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;

namespace Functions.Tests.EndToEnd;

/// <summary>The worker as a black box: the real process, real Azurite, real signals.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class WorkerProcessTests(AzuriteFixture azurite)
{
    private Dictionary<string, string> Settings(string queue, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["JobsQueueName"] = queue,
            ["JobsTableName"] = "e2e" + Guid.NewGuid().ToString("N")[..10],
            ["Pipelines:Delay:Enabled"] = "true",
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.250",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    private JobQueue QueueFor(Dictionary<string, string> settings) => new(azurite.ConnectionString, settings["JobsQueueName"], settings["JobsTableName"]);

    [Fact]
    [Trait(NativeAot.Category, NativeAot.Included)]
    public async Task Sigterm_WhileJobsRun_FinishesThemAndExitsZero()
    {
        var settings = Settings("term-" + Guid.NewGuid().ToString("N")[..8]);
        // Four at once, so SIGTERM finds all four running: dynamic concurrency would start at one and hold one more.
        settings["AzureFunctionsJobHost:concurrency:dynamicConcurrencyEnabled"] = "false";
        settings["AzureFunctionsJobHost:extensions:queues:batchSize"] = "4";
        var queue = QueueFor(settings);
        await queue.UploadAsync("inputs", "any.bin", [1]);
        await using var worker = WorkerProcess.Start(settings);
        for (var i = 0; i < 4; i++)
        {
            await queue.SendAsync(JobQueue.Job($"term-{i}", "delay", "any.bin", new JsonObject { ["ms"] = 3000 }));
        }

        for (var i = 0; i < 4; i++)
        {
            await queue.WaitForStateAsync($"term-{i}", TimeSpan.FromMinutes(3), "Running");
        }

        worker.Terminate();
        Assert.True(await worker.WaitForExitAsync(TimeSpan.FromMinutes(3)), worker.Output);
        Assert.Equal(0, worker.ExitCode);
        for (var i = 0; i < 4; i++)
        {
            var record = await queue.GetRecordAsync($"term-{i}");
            Assert.Equal("Succeeded", record!.GetString("State"));
        }

        await queue.WaitForQueueEmptyAsync();
        Assert.Contains("Shutdown complete", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    [Trait(NativeAot.Category, NativeAot.Included)]
    public async Task Sigterm_PastGracePeriod_ReleasesTheJob_AndAnotherWorkerCompletesIt()
    {
        var settings = Settings("grace-" + Guid.NewGuid().ToString("N")[..8], ("AzureFunctionsJobHost:worker:shutdownGracePeriod", "00:00:01"));
        var queue = QueueFor(settings);
        await queue.UploadAsync("inputs", "any.bin", [1]);
        await using (var first = WorkerProcess.Start(settings))
        {
            await queue.SendAsync(JobQueue.Job("grace-1", "delay", "any.bin", new JsonObject { ["ms"] = 4000 }));
            await queue.WaitForStateAsync("grace-1", TimeSpan.FromMinutes(3), "Running");
            first.Terminate();
            Assert.True(await first.WaitForExitAsync(TimeSpan.FromMinutes(3)), first.Output);
            Assert.Equal(0, first.ExitCode);
        }

        var released = await queue.GetRecordAsync("grace-1");
        Assert.Equal("Released", released!.GetString("State"));
        Assert.Equal(1, await queue.VisibleCountAsync());

        await using var second = WorkerProcess.Start(settings);
        var record = await queue.WaitForStateAsync("grace-1", TimeSpan.FromMinutes(3), "Succeeded");
        Assert.Equal(2, record.GetInt64("Attempt"));
    }

    [Fact]
    public async Task Kill9_DuringJob_SecondWorkerCompletesItAfterLeaseLapses()
    {
        var settings = Settings("kill-" + Guid.NewGuid().ToString("N")[..8], ("AzureFunctionsJobHost:worker:leaseDuration", "00:00:03"));
        var queue = QueueFor(settings);
        await queue.UploadAsync("inputs", "any.bin", [1]);
        await using (var doomed = WorkerProcess.Start(settings))
        {
            await queue.SendAsync(JobQueue.Job("kill-1", "delay", "any.bin", new JsonObject { ["ms"] = 5000 }));
            await queue.WaitForStateAsync("kill-1", TimeSpan.FromMinutes(3), "Running");
            doomed.KillHard();
            Assert.True(await doomed.WaitForExitAsync(TimeSpan.FromMinutes(3)));
        }

        // Delivered again once the lease (3 s) lapsed; a message held for Functions' fixed 10 minutes would trip this
        // wait's 3-minute hang guard instead.
        await using var survivor = WorkerProcess.Start(settings);
        var record = await queue.WaitForStateAsync("kill-1", TimeSpan.FromMinutes(3), "Succeeded");
        Assert.Equal(2, record.GetInt64("Attempt"));
        await queue.WaitForQueueEmptyAsync();
    }

    [Fact]
    [Trait(NativeAot.Category, NativeAot.Included)]
    public async Task InvalidSetting_ExitsWithCodeOne_NamingTheSetting_WithoutLeakingSecrets()
    {
        var settings = Settings("cfg-" + Guid.NewGuid().ToString("N")[..8], ("AzureFunctionsJobHost:extensions:queues:batchSize", "99"));
        await using var worker = WorkerProcess.Start(settings);
        Assert.True(await worker.WaitForExitAsync(TimeSpan.FromMinutes(3)), worker.Output);
        Assert.Equal(1, worker.ExitCode);
        Assert.Contains("extensions.queues.batchSize", worker.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    [Trait(NativeAot.Category, NativeAot.Included)]
    public async Task StorageUnreachableAtStart_HealthAnswers_ReadySaysWhy_ProcessStaysUp()
    {
        // A port with nothing behind it: the worker must stay up, say why it is not ready, and keep trying.
        var deadPort = WorkerProcess.FreePort();
        var settings = Settings("dead-" + Guid.NewGuid().ToString("N")[..8]);
        settings["AzureWebJobsStorage"] = azurite.ConnectionString.Replace($":{azurite.QueuePort}/", $":{deadPort}/", StringComparison.Ordinal);
        await using var worker = WorkerProcess.Start(settings);
        await WaitForHealthAsync(worker);
        await Eventually.HoldsAsync(async () =>
            (await (await worker.Http.GetAsync("/api/ready")).Content.ReadAsStringAsync()).Contains("storage unreachable", StringComparison.Ordinal));
        var ready = await worker.Http.GetAsync("/api/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("storage unreachable", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(worker.HasExited);
        Assert.DoesNotContain("AccountKey", worker.Output, StringComparison.Ordinal);
    }

    /// <summary>Polls /api/health until it answers 200; the deadline is only a hang guard.</summary>
    internal static async Task WaitForHealthAsync(WorkerProcess worker, int seconds = 180)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            try
            {
                if ((await worker.Http.GetAsync("/api/health")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("health never answered 200:\n" + worker.Output);
    }
}
