using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;

namespace Functions.Tests.Integration;

/// <summary>
/// An operator's view and hands through the HTTP triggers against Azurite: the fleet table, job lists, progress,
/// cancellation, the poison queue's list, replay and delete, and the key rule for what changes something.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FleetOperationsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Workers_ShowThisWorkerReady_WithItsDevice_AndStatusSummarizesTheFleet()
    {
        await using var worker = await TestWorker.StartAsync(azurite, Fast());

        await Eventually.HoldsAsync(async () => (await Workers(worker)).Any(w => w!["state"]!.GetValue<string>() == "ready"));
        var me = (await Workers(worker)).Single()!;
        Assert.False(me["stale"]!.GetValue<bool>());
        Assert.Equal("Cpu", me["device"]!.GetValue<string>());
        Assert.True(me["concurrency"]!.GetValue<int>() >= 1);

        var status = JsonNode.Parse(await worker.Http.GetStringAsync("/api/status"))!;
        Assert.Equal(1, status["fleet"]!["ready"]!.GetValue<int>());
        Assert.Equal(1, status["fleet"]!["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task JobList_NewestFirst_FilteredByStateAndPipeline_InPages()
    {
        await using var worker = await TestWorker.StartAsync(azurite, Fast());
        await worker.Queue.UploadAsync("inputs", "a.png", TestImages.Png(20, 20));
        for (var i = 0; i < 5; i++)
        {
            await worker.Queue.SendAsync(JobQueue.Job($"list-{i}", "thumbnail", "a.png"));
            await worker.Queue.WaitForStateAsync($"list-{i}", TimeSpan.FromSeconds(30), "Succeeded");
        }

        await worker.Queue.SendRawAsync(JobQueue.Base64("""{"jobId":"list-bad","pipeline":"teleport","input":{"container":"inputs","blob":"a.png"}}"""));
        await worker.Queue.WaitForStateAsync("list-bad", TimeSpan.FromSeconds(30), "Poisoned");

        var first = JsonNode.Parse(await worker.Http.GetStringAsync("/api/jobs?state=Succeeded&pipeline=thumbnail&top=3"))!;
        var ids = first["jobs"]!.AsArray().Select(j => j!["jobId"]!.GetValue<string>()).ToList();
        Assert.Equal(["list-4", "list-3", "list-2"], ids);
        var next = first["continuation"]!.GetValue<string>();
        var second = JsonNode.Parse(await worker.Http.GetStringAsync($"/api/jobs?state=Succeeded&top=3&continuation={Uri.EscapeDataString(next)}"))!;
        Assert.Equal(["list-1", "list-0"], second["jobs"]!.AsArray().Select(j => j!["jobId"]!.GetValue<string>()));

        var poisoned = JsonNode.Parse(await worker.Http.GetStringAsync("/api/jobs?state=Poisoned"))!;
        Assert.Equal("list-bad", Assert.Single(poisoned["jobs"]!.AsArray())!["jobId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await worker.Http.GetAsync("/api/jobs?state=Sleeping")).StatusCode);
    }

    [Fact]
    public async Task RunningJob_ShowsProgress_AndIsCancelledWithinHalfALease_RepliesCancelled()
    {
        var replyQueue = "cancel-replies-" + Guid.NewGuid().ToString("N")[..8];
        var settings = Fast();
        settings["Storage:AllowedReplyQueues"] = replyQueue;
        await using var worker = await TestWorker.StartAsync(azurite, settings);
        await worker.Queue.UploadAsync("inputs", "a.png", TestImages.Png(10, 10));
        await worker.Queue.CreateReplyQueueAsync(replyQueue);
        var job = JobQueue.Job("cancel-me", "delay", "a.png", new JsonObject { ["ms"] = 60_000 });
        job["replyTo"] = replyQueue;
        await worker.Queue.SendAsync(job);

        await Eventually.HoldsAsync(async () => (await worker.Queue.GetRecordAsync("cancel-me"))?.GetString("ProgressStage") == "waiting");
        var record = JsonNode.Parse(await worker.Http.GetStringAsync("/api/jobs/cancel-me"))!;
        Assert.Equal("Running", record["state"]!.GetValue<string>());
        Assert.Equal("waiting", record["progressStage"]!.GetValue<string>());
        Assert.False(record["workerStale"]!.GetValue<bool>());

        var cancel = await worker.Http.DeleteAsync("/api/jobs/cancel-me");
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await worker.Http.DeleteAsync("/api/jobs/cancel-me")).StatusCode);

        await worker.Queue.WaitForStateAsync("cancel-me", TimeSpan.FromSeconds(10), "Cancelled");
        var reply = JsonNode.Parse(Convert.FromBase64String((await worker.Queue.ReceiveReplyAsync(job["replyTo"]!.GetValue<string>())).MessageText))!;
        Assert.Equal("Cancelled", reply["state"]!.GetValue<string>());
        Assert.False((await worker.Queue.Blobs.GetBlobContainerClient("outputs").GetBlobClient("cancel-me/result.json").ExistsAsync()).Value);
        Assert.Equal(HttpStatusCode.Accepted, (await worker.Http.DeleteAsync("/api/jobs/cancel-me")).StatusCode);
        await worker.Queue.WaitForQueueEmptyAsync();
    }

    [Fact]
    public async Task QueuedJob_Cancelled_IsAcknowledgedWithoutRunning_AndFinishedOrUnknownJobsAreRefused()
    {
        var settings = Fast();
        settings["AzureFunctionsJobHost:concurrency:dynamicConcurrencyEnabled"] = "false";
        settings["AzureFunctionsJobHost:extensions:queues:batchSize"] = "1";
        settings["AzureFunctionsJobHost:extensions:queues:newBatchThreshold"] = "0";
        await using var worker = await TestWorker.StartAsync(azurite, settings);
        await worker.Queue.UploadAsync("inputs", "a.png", TestImages.Png(10, 10));
        await worker.Queue.SendAsync(JobQueue.Job("blocker", "delay", "a.png", new JsonObject { ["ms"] = 60_000 }));
        await worker.Queue.WaitForStateAsync("blocker", TimeSpan.FromSeconds(30), "Running");
        await worker.Queue.SendAsync(JobQueue.Job("queued", "delay", "a.png", new JsonObject { ["ms"] = 1 }));

        Assert.Equal(HttpStatusCode.Accepted, (await worker.Http.DeleteAsync("/api/jobs/queued")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await worker.Http.DeleteAsync("/api/jobs/blocker")).StatusCode);
        await worker.Queue.WaitForStateAsync("blocker", TimeSpan.FromSeconds(10), "Cancelled");
        await worker.Queue.WaitForQueueEmptyAsync();
        var queued = (await worker.Queue.GetRecordAsync("queued"))!;
        Assert.Equal("Cancelled", queued.GetString("State"));
        Assert.Null(queued.GetString("ProgressStage"));
        Assert.False((await worker.Queue.Blobs.GetBlobContainerClient("outputs").GetBlobClient("queued/result.json").ExistsAsync()).Value);

        Assert.Equal(HttpStatusCode.NotFound, (await worker.Http.DeleteAsync("/api/jobs/never-sent")).StatusCode);
        await worker.Queue.SendAsync(JobQueue.Job("done", "thumbnail", "a.png"));
        await worker.Queue.WaitForStateAsync("done", TimeSpan.FromSeconds(30), "Succeeded");
        Assert.Equal(HttpStatusCode.Conflict, (await worker.Http.DeleteAsync("/api/jobs/done")).StatusCode);
    }

    [Fact]
    public async Task Poison_ListsReasons_ReplayFailsAgainWithItsReason_DeleteRemoves()
    {
        await using var worker = await TestWorker.StartAsync(azurite, Fast());
        var body = JobQueue.Base64("""{"jobId":"replay-1","pipeline":"thumbnail","input":{"container":"inputs","blob":"missing.png"}}""");
        await worker.Queue.SendRawAsync(body);
        await worker.Queue.WaitForStateAsync("replay-1", TimeSpan.FromSeconds(30), "Poisoned");
        await worker.Queue.WaitForPoisonAsync(1);

        var listed = Assert.Single(JsonNode.Parse(await worker.Http.GetStringAsync("/api/poison"))!.AsArray())!;
        Assert.Equal("replay-1", listed["jobId"]!.GetValue<string>());
        Assert.Equal("blob-not-found", listed["errorType"]!.GetValue<string>());
        Assert.Equal(body, listed["text"]!.GetValue<string>());

        var replay = JsonNode.Parse(await (await worker.Http.PostAsync("/api/poison/replay?jobId=replay-1", null)).Content.ReadAsStringAsync())!;
        Assert.Equal(1, replay["replayed"]!.GetValue<int>());

        // Still missing: it fails again and is back in poison with its reason, the record counting the replay.
        await Eventually.HoldsAsync(async () => (await worker.Queue.GetRecordAsync("replay-1"))?.GetInt32("Replays") == 1 &&
            (await worker.Queue.PeekPoisonAsync()).Count == 1 && (await worker.Queue.GetRecordAsync("replay-1"))?.GetString("State") == "Poisoned");
        var again = Assert.Single(JsonNode.Parse(await worker.Http.GetStringAsync("/api/poison"))!.AsArray())!;
        Assert.Equal("blob-not-found", again["errorType"]!.GetValue<string>());
        Assert.Equal(body, again["text"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, (await worker.Http.DeleteAsync($"/api/poison/{again["messageId"]!.GetValue<string>()}")).StatusCode);
        Assert.Empty(await worker.Queue.PeekPoisonAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await worker.Http.DeleteAsync("/api/poison/no-such-message")).StatusCode);
    }

    [Fact]
    public async Task Endpoints_ProductionWithoutAConfiguredKey_Are401_AndNeedTheKeyWhenSet()
    {
        await using (var production = await TestWorker.StartAsync(azurite, Fast(), environment: "Production"))
        {
            // Closed by default: the worker made its own key (HttpSecurityTests), which this caller does not have.
            var refused = await production.Http.PostAsync("/api/poison/replay", null);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("x-functions-key", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Unauthorized, (await production.Http.DeleteAsync("/api/jobs/x")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await production.Http.GetAsync("/api/poison")).StatusCode);
        }

        var keyed = Fast();
        keyed["FunctionKey"] = "k3y";
        await using var worker = await TestWorker.StartAsync(azurite, keyed, environment: "Production");
        Assert.Equal(HttpStatusCode.Unauthorized, (await worker.Http.PostAsync("/api/poison/replay", null)).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/poison/replay");
        request.Headers.Add("x-functions-key", "k3y");
        Assert.Equal(HttpStatusCode.OK, (await worker.Http.SendAsync(request)).StatusCode);
    }

    private static Dictionary<string, string?> Fast() => new()
    {
        ["Pipelines:Delay:Enabled"] = "true",
        ["AzureFunctionsJobHost:worker:heartbeatInterval"] = "00:00:01",
        ["AzureFunctionsJobHost:worker:leaseDuration"] = "00:00:02",
    };

    private static async Task<JsonArray> Workers(TestWorker worker) =>
        JsonNode.Parse(await worker.Http.GetStringAsync("/api/workers"))!.AsArray();
}
