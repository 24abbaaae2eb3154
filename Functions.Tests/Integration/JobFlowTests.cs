using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;
using FunctionsWorker.Errors;
using FunctionsWorker.Health;
using FunctionsWorker.Pipelines;
using FunctionsWorker.Triggers.Queue;
using FunctionsWorker.State;

namespace Functions.Tests.Integration;

[Collection(AzuriteCollection.Name)]
public sealed class JobFlowTests(AzuriteFixture azurite)
{
    /// <summary>How long a wait for a record may take before the test counts as hung: a guard, not a claim.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Thumbnail_FlowsFromQueueToResult_WithRecordAndReply()
    {
        var replyQueue = "replies-" + Guid.NewGuid().ToString("N")[..8];
        await using var worker = await TestWorker.StartAsync(azurite, new Dictionary<string, string?> { ["Storage:AllowedReplyQueues"] = replyQueue });
        await worker.Queue.UploadAsync("inputs", "photos/cat.png", TestImages.Png(400, 200));
        await worker.Queue.CreateReplyQueueAsync(replyQueue);
        var job = JobQueue.Job("thumb-1", "thumbnail", "photos/cat.png", new JsonObject { ["maxSide"] = 100 });
        job["replyTo"] = replyQueue;
        await worker.Queue.SendAsync(job);

        var record = await worker.Queue.WaitForStateAsync("thumb-1", Wait, "Succeeded");
        Assert.Equal(1, record.GetInt64("Attempt"));
        Assert.Equal("thumbnail", record.GetString("Pipeline"));
        Assert.NotNull(record.GetInt64("DurationMs"));

        var result = await worker.Queue.ReadResultAsync("thumb-1");
        Assert.Equal(100, result["result"]!["width"]!.GetValue<int>());
        Assert.Equal(50, result["result"]!["height"]!.GetValue<int>());
        var png = (await worker.Queue.Blobs.GetBlobContainerClient("outputs").GetBlobClient("thumb-1/thumbnail.png").DownloadContentAsync()).Value.Content;
        using var bitmap = SKBitmap.Decode(png.ToArray());
        Assert.Equal((100, 50), (bitmap.Width, bitmap.Height));

        var reply = await worker.Queue.ReceiveReplyAsync(job["replyTo"]!.GetValue<string>());
        var body = JsonNode.Parse(Convert.FromBase64String(reply.MessageText))!;
        Assert.Equal("thumb-1", body["jobId"]!.GetValue<string>());
        Assert.Equal("Succeeded", body["state"]!.GetValue<string>());

        await worker.Queue.WaitForQueueEmptyAsync();
        var http = await worker.Http.GetFromJsonAsync<JsonObject>("/api/jobs/thumb-1");
        Assert.Equal("Succeeded", http!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task TransientFailure_RetriedUntilMaxDequeueCount_ThenPoisonWithOriginalBody()
    {
        var failing = new ScriptedPipeline("flaky", _ => throw new TransientJobException("backend-busy", "The backend is busy."));
        await using var worker = await TestWorker.StartAsync(azurite,
            new Dictionary<string, string?> { ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "3" },
            services => services.AddSingleton<IPipeline>(failing));
        await worker.Queue.UploadAsync("inputs", "x.bin", [1, 2, 3]);
        var body = JobQueue.Base64(JobQueue.Job("flaky-1", "flaky", "x.bin").ToJsonString());
        await worker.Queue.SendRawAsync(body);

        var record = await worker.Queue.WaitForStateAsync("flaky-1", Wait, "Poisoned");
        Assert.Equal(3, record.GetInt64("Attempt"));
        Assert.Equal("backend-busy", record.GetString("ErrorType"));
        Assert.False(record.GetBoolean("Permanent"));
        Assert.Equal(3, failing.Runs);

        var poison = Assert.Single(await worker.Queue.WaitForPoisonAsync(1));
        Assert.Equal(body, poison.MessageText);
        await worker.Queue.WaitForQueueEmptyAsync();
    }

    [Fact]
    public async Task PermanentFailure_PoisonedOnFirstAttempt()
    {
        var rejecting = new ScriptedPipeline("strict", _ => throw new InvalidJobException("bad-input", "The input makes no sense."));
        await using var worker = await TestWorker.StartAsync(azurite, services: s => s.AddSingleton<IPipeline>(rejecting));
        await worker.Queue.UploadAsync("inputs", "x.bin", [1]);
        await worker.Queue.SendAsync(JobQueue.Job("strict-1", "strict", "x.bin"));

        var record = await worker.Queue.WaitForStateAsync("strict-1", Wait, "Poisoned");
        Assert.Equal(1, record.GetInt64("Attempt"));
        Assert.True(record.GetBoolean("Permanent"));
        Assert.Equal(1, rejecting.Runs);
        Assert.Single(await worker.Queue.WaitForPoisonAsync(1));
    }

    [Fact]
    public async Task Redelivery_OfSucceededJob_IsAcknowledgedWithoutRunningAgain()
    {
        var counting = new ScriptedPipeline("count", _ => { });
        await using var worker = await TestWorker.StartAsync(azurite, services: s => s.AddSingleton<IPipeline>(counting));
        await worker.Queue.UploadAsync("inputs", "x.bin", [1]);
        var job = JobQueue.Job("once-1", "count", "x.bin");
        await worker.Queue.SendAsync(job);
        await worker.Queue.WaitForStateAsync("once-1", Wait, "Succeeded");

        await worker.Queue.SendAsync(job);
        await Eventually.HoldsAsync(async () => await worker.Queue.ApproximateCountAsync() == 0 && worker.Services.GetRequiredService<WorkerState>().InFlight == 0);
        Assert.Equal(1, counting.Runs);
        Assert.Empty(await worker.Queue.PeekPoisonAsync());
    }

    [Fact]
    public async Task LeaseRenewal_KeepsLongJobInvisiblePastLeaseDuration()
    {
        var slow = new ScriptedPipeline("slow", ct => Task.Delay(TimeSpan.FromSeconds(5), ct));
        await using var worker = await TestWorker.StartAsync(azurite,
            new Dictionary<string, string?> { ["AzureFunctionsJobHost:worker:leaseDuration"] = "00:00:02" },
            s => s.AddSingleton<IPipeline>(slow));
        await worker.Queue.UploadAsync("inputs", "x.bin", [1]);
        await worker.Queue.SendAsync(JobQueue.Job("slow-1", "slow", "x.bin"));
        await worker.Queue.WaitForStateAsync("slow-1", Wait, "Running");

        // The job runs past two 2 s leases while the worker polls every 200 ms: without renewal the message would turn
        // visible and be fetched again (a second run, a second attempt).
        var record = await worker.Queue.WaitForStateAsync("slow-1", Wait, "Succeeded");
        Assert.Equal(1, record.GetInt64("Attempt"));
        Assert.Equal(1, slow.Runs);
        await worker.Queue.WaitForQueueEmptyAsync();
    }

    [Fact]
    public async Task Listener_FetchesNothing_UntilWarmupCompletes()
    {
        var gate = new GatedWarmup();
        await using var worker = await TestWorker.StartAsync(azurite,
            new Dictionary<string, string?> { ["AzureFunctionsJobHost:worker:heartbeatInterval"] = "00:00:00.200" },
            s => s.AddSingleton<IWarmupTask>(gate));
        await worker.Queue.UploadAsync("inputs", "a.png", TestImages.Png(10, 10));
        await worker.Queue.SendAsync(JobQueue.Job("wait-1", "thumbnail", "a.png"));

        // The listener's loop beats twice after the send: it looked at the worker's state with the message there, and
        // left it in the queue.
        var state = worker.Services.GetRequiredService<WorkerState>();
        var clock = worker.Services.GetRequiredService<TimeProvider>();
        for (var round = 0; round < 2; round++)
        {
            var since = clock.GetUtcNow();
            await Eventually.HoldsAsync(() => Task.FromResult(state.Heartbeats.TryGetValue(QueueListener.LoopName, out var at) && at > since), 180);
        }

        var peeked = Assert.Single((await worker.Queue.Queue.PeekMessagesAsync()).Value);
        Assert.Equal(0, peeked.DequeueCount);
        Assert.Null(await worker.Queue.GetRecordAsync("wait-1"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await worker.Http.GetAsync("/api/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await worker.Http.GetAsync("/api/health")).StatusCode);

        gate.Open();
        await worker.Queue.WaitForStateAsync("wait-1", Wait, "Succeeded");
        await Eventually.HoldsAsync(async () => (await worker.Http.GetAsync("/api/ready")).StatusCode == HttpStatusCode.OK);
    }

    [Fact]
    public async Task FailingWarmup_IsReportedAndRetried_WorkerStaysHealthy()
    {
        var flaky = new FailingWarmup(failures: 2);
        await using var worker = await TestWorker.StartAsync(azurite, services: s => s.AddSingleton<IWarmupTask>(flaky));
        await Eventually.HoldsAsync(async () => (await worker.Http.GetFromJsonAsync<JsonObject>("/api/status"))!["lastErrors"]!.AsArray().Count > 0);
        var health = await worker.Http.GetFromJsonAsync<JsonObject>("/api/health");
        Assert.Contains(health!["status"]!.GetValue<string>(), new[] { "degraded", "healthy" });

        await Eventually.HoldsAsync(async () => (await worker.Http.GetAsync("/api/ready")).StatusCode == HttpStatusCode.OK);
        Assert.Equal(3, flaky.Attempts);
        var status = await worker.Http.GetFromJsonAsync<JsonObject>("/api/status");
        Assert.Contains("model store offline", status!["lastErrors"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkerFault_ReleasesMessageAtOnce_ThenPoisonAfterMaxDequeueCount()
    {
        var broken = new ScriptedPipeline("broken", _ => throw new WorkerFaultException("model-not-ready", "Model 'x' is not loaded."));
        await using var worker = await TestWorker.StartAsync(azurite,
            new Dictionary<string, string?>
            {
                ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "2",
                ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:05:00",
            },
            s => s.AddSingleton<IPipeline>(broken));
        await worker.Queue.UploadAsync("inputs", "x.bin", [1]);
        await worker.Queue.SendAsync(JobQueue.Job("fault-1", "broken", "x.bin"));

        // visibilityTimeout is 5 minutes: only an immediate release lets the second attempt happen within the wait.
        var record = await worker.Queue.WaitForStateAsync("fault-1", Wait, "Poisoned");
        Assert.Equal(2, record.GetInt64("Attempt"));
        Assert.Equal("model-not-ready", record.GetString("ErrorType"));
        Assert.Equal(2, broken.Runs);
    }

    [Fact]
    public async Task FunctionTimeout_IsEnforced_AsTransientFailure()
    {
        var hanging = new ScriptedPipeline("hang", async ct => await Task.Delay(Timeout.Infinite, ct));
        await using var worker = await TestWorker.StartAsync(azurite,
            new Dictionary<string, string?>
            {
                ["AzureFunctionsJobHost:functionTimeout"] = "00:00:01",
                ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "1",
            },
            s => s.AddSingleton<IPipeline>(hanging));
        await worker.Queue.UploadAsync("inputs", "x.bin", [1]);
        await worker.Queue.SendAsync(JobQueue.Job("hang-1", "hang", "x.bin"));

        var record = await worker.Queue.WaitForStateAsync("hang-1", Wait, "Poisoned");
        Assert.Equal("function-timeout", record.GetString("ErrorType"));
        // Cut at the timeout, not before (the worker's own measure; how long after is not the claim).
        Assert.True(record.GetInt64("DurationMs") >= 900, $"ran {record.GetInt64("DurationMs")} ms under a 1 s functionTimeout");
    }

    [Fact]
    public async Task JobsEndpoint_RequiresFunctionKey_WhenConfigured()
    {
        await using var worker = await TestWorker.StartAsync(azurite, new Dictionary<string, string?> { ["FunctionKey"] = "s3cret" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await worker.Http.GetAsync("/api/jobs/nope")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await worker.Http.GetAsync("/api/jobs/nope?code=s3cret")).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/status");
        request.Headers.Add("x-functions-key", "s3cret");
        Assert.Equal(HttpStatusCode.OK, (await worker.Http.SendAsync(request)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await worker.Http.GetAsync("/api/health")).StatusCode);
    }

    [Fact]
    public async Task MessageEncodingNone_TakesPlainJson_AndRepliesInPlainJson()
    {
        var replyQueue = "plain-replies-" + Guid.NewGuid().ToString("N")[..8];
        await using var worker = await TestWorker.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["AzureFunctionsJobHost:extensions:queues:messageEncoding"] = "none",
            ["Storage:AllowedReplyQueues"] = replyQueue,
        });
        await worker.Queue.UploadAsync("inputs", "plain.png", TestImages.Png(40, 40));
        await worker.Queue.CreateReplyQueueAsync(replyQueue);
        var job = JobQueue.Job("plain-1", "thumbnail", "plain.png");
        job["replyTo"] = replyQueue;
        await worker.Queue.SendRawAsync(job.ToJsonString());

        await worker.Queue.WaitForStateAsync("plain-1", Wait, "Succeeded");
        var reply = await worker.Queue.ReceiveReplyAsync(job["replyTo"]!.GetValue<string>());
        Assert.Equal("Succeeded", JsonNode.Parse(reply.MessageText)!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task PoisonQueueItself_HasNoPoisonQueue_FailedMessageStaysInIt()
    {
        var poisonName = "jobs-" + Guid.NewGuid().ToString("N")[..8] + "-poison";
        await using var worker = await TestWorker.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["JobsQueueName"] = poisonName,
            ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:10:00",
        });
        var queue = new Azure.Storage.Queues.QueueClient(worker.Queue.ConnectionString, poisonName);
        await queue.CreateIfNotExistsAsync();

        // The failure is recorded, the message is released (invisible for visibilityTimeout), never moved on.
        var sent = await queue.SendMessageAsync(JobQueue.Base64("{ still not json"));
        var record = await worker.Queue.WaitForStateAsync("msg-" + sent.Value.MessageId, Wait, "Retrying");
        Assert.Equal("invalid-json", record.GetString("ErrorType"));
        await Eventually.HoldsAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 1 &&
                                                (await queue.PeekMessagesAsync()).Value.Length == 0);
        var nested = new Azure.Storage.Queues.QueueClient(worker.Queue.ConnectionString, poisonName + "-poison");
        Assert.False((await nested.ExistsAsync()).Value);
    }

    [Fact]
    public async Task LeaseLost_MidJob_IsNotSettled_AndTheWorkerCarriesOn()
    {
        var slow = new ScriptedPipeline("slow", ct => Task.Delay(TimeSpan.FromSeconds(4), ct));
        await using var worker = await TestWorker.StartAsync(azurite,
            new Dictionary<string, string?> { ["AzureFunctionsJobHost:worker:leaseDuration"] = "00:00:02" },
            s => s.AddSingleton<IPipeline>(slow));
        await worker.Queue.UploadAsync("inputs", "x.bin", [1]);
        await worker.Queue.SendAsync(JobQueue.Job("lost-1", "slow", "x.bin"));
        await worker.Queue.WaitForStateAsync("lost-1", Wait, "Running");

        // An operator clears the queue while the job runs: the next renewal finds the message gone.
        await worker.Queue.Queue.ClearMessagesAsync();
        var record = await worker.Queue.WaitForStateAsync("lost-1", Wait, "Succeeded");
        Assert.Equal(1, slow.Runs);
        Assert.Equal(1, record.GetInt64("Attempt"));
        Assert.Empty(await worker.Queue.PeekPoisonAsync());
        Assert.Equal(HttpStatusCode.OK, (await worker.Http.GetAsync("/api/health")).StatusCode);
    }

    [Fact]
    public async Task BatchSizeAndNewBatchThreshold_BoundConcurrentJobs()
    {
        var running = 0;
        var peak = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tracked = new ScriptedPipeline("tracked", async ct =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await gate.Task.WaitAsync(ct);
            Interlocked.Decrement(ref running);
        });
        await using var worker = await TestWorker.StartAsync(azurite,
            new Dictionary<string, string?>
            {
                // Static concurrency: dynamic concurrency (on by default) ignores both settings.
                ["AzureFunctionsJobHost:concurrency:dynamicConcurrencyEnabled"] = "false",
                ["AzureFunctionsJobHost:extensions:queues:batchSize"] = "2",
                ["AzureFunctionsJobHost:extensions:queues:newBatchThreshold"] = "1",
            },
            s => s.AddSingleton<IPipeline>(tracked));
        await worker.Queue.UploadAsync("inputs", "x.bin", [1]);
        for (var i = 0; i < 8; i++)
        {
            await worker.Queue.SendAsync(JobQueue.Job($"conc-{i}", "tracked", "x.bin"));
        }

        // The first batch of two runs together (held until both have started); then the rest go through. At least two:
        // a first receive that finds only conc-0 (the listener polls while the jobs are still being sent) leaves one in
        // flight, at the threshold, so the next receive may start two more, and three then stay held.
        await Eventually.HoldsAsync(() => Task.FromResult(Volatile.Read(ref running) >= 2), 180);
        gate.SetResult();
        for (var i = 0; i < 8; i++)
        {
            await worker.Queue.WaitForStateAsync($"conc-{i}", Wait, "Succeeded");
        }

        // Fetch 2; fetch again only once in-flight work is down to 1: never more than batchSize + newBatchThreshold.
        Assert.InRange(peak, 2, 3);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var current = Volatile.Read(ref target); value > current; current = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, current) == current)
            {
                return;
            }
        }
    }
}
