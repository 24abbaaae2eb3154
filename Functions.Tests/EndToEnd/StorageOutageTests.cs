using System.Net;
using Functions.Tests.Fixtures;

namespace Functions.Tests.EndToEnd;

/// <summary>Storage missing at start and lost later: the real process reports not ready, never crashes, and resumes by itself.</summary>
public sealed class StorageOutageTests
{
    [Fact]
    public async Task StorageDownAtStart_ThenUp_ThenLost_ThenBack_WorkerResumesByItself()
    {
        int[] ports = [WorkerProcess.FreePort(), WorkerProcess.FreePort(), WorkerProcess.FreePort()];
        var first = AzuriteFixture.OnPorts(ports[0], ports[1], ports[2]);
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = first.ConnectionString,
            ["JobsQueueName"] = "outage",
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.250",
        };
        await using var worker = WorkerProcess.Start(settings);
        await WorkerProcessTests.WaitForHealthAsync(worker);
        await Eventually.HoldsAsync(async () => (await ReadyBodyAsync(worker)).Contains("storage unreachable", StringComparison.Ordinal));

        // Azurite comes up after the worker (the usual race in a local stack): the worker connects by itself.
        await first.InitializeAsync();
        try
        {
            await Eventually.HoldsAsync(async () => (await worker.Http.GetAsync("/api/ready")).StatusCode == HttpStatusCode.OK, seconds: 60);
            var queue = new JobQueue(first.ConnectionString, "outage", "jobs");
            await queue.UploadAsync("inputs", "a.png", TestImages.Png(50, 50));
            await queue.SendAsync(JobQueue.Job("outage-1", "thumbnail", "a.png"));
            await queue.WaitForStateAsync("outage-1", TimeSpan.FromSeconds(60), "Succeeded");
        }
        finally
        {
            await first.StopAsync();
        }

        // Storage lost while running: not ready, still healthy, process alive.
        await Eventually.HoldsAsync(async () => (await ReadyBodyAsync(worker)).Contains("storage unreachable", StringComparison.Ordinal), seconds: 60);
        Assert.Equal(HttpStatusCode.OK, (await worker.Http.GetAsync("/api/health")).StatusCode);
        Assert.False(worker.HasExited);

        // Back again (empty: in-memory), the worker recreates its queue and table and takes new jobs.
        var second = AzuriteFixture.OnPorts(ports[0], ports[1], ports[2]);
        await second.InitializeAsync();
        try
        {
            var queue = new JobQueue(second.ConnectionString, "outage", "jobs");
            await Eventually.HoldsAsync(async () => (await worker.Http.GetAsync("/api/ready")).StatusCode == HttpStatusCode.OK, seconds: 60);
            await queue.UploadAsync("inputs", "b.png", TestImages.Png(50, 50));
            await queue.SendAsync(JobQueue.Job("outage-2", "thumbnail", "b.png"));
            await queue.WaitForStateAsync("outage-2", TimeSpan.FromSeconds(60), "Succeeded");
        }
        finally
        {
            await second.StopAsync();
        }
    }

    private static async Task<string> ReadyBodyAsync(WorkerProcess worker) =>
        await (await worker.Http.GetAsync("/api/ready")).Content.ReadAsStringAsync();
}
