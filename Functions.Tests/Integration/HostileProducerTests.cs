using System.Net;
using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;

namespace Functions.Tests.Integration;

/// <summary>
/// What a hostile or careless producer does to a worker through Azurite: malformed messages, twin copies of a job,
/// forged failures for a finished job, writes outside the allowed containers. Each ends where the README says,
/// and the worker keeps serving.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class HostileProducerTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task DuplicateKeysAndLoneSurrogates_AreInvalidJson_PoisonedAtOnce_CircuitUntouched()
    {
        await using var worker = await TestWorker.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["AzureFunctionsJobHost:worker:circuitBreakerThreshold"] = "2",
        });
        var queue = worker.Queue;
        await queue.UploadAsync("inputs", "a.png", TestImages.Png(32, 32));
        var bodies = new[]
        {
            """{"jobId":"dup-1","pipeline":"thumbnail","input":{"container":"inputs","blob":"a.png"},"parameters":{"maxSide":10,"maxSide":20}}""",
            """{"jobId":"dup-2","jobId":"dup-3","pipeline":"thumbnail","input":{"container":"inputs","blob":"a.png"}}""",
            """{"jobId":"sur-1","pipeline":"thumbnail","input":{"container":"inputs","blob":"\ud800.png"}}""",
        };
        var keys = new List<string>();
        foreach (var body in bodies)
        {
            keys.Add("msg-" + (await queue.SendRawAsync(JobQueue.Base64(body))).MessageId);
        }

        // Recorded under the jobId where one can be read (a lone surrogate elsewhere), else under the message.
        keys[2] = "sur-1";
        foreach (var key in keys)
        {
            var record = await queue.WaitForStateAsync(key, TimeSpan.FromSeconds(30), "Poisoned");
            Assert.Equal("invalid-json", record.GetString("ErrorType"));
            Assert.Equal(1, record.GetInt64("Attempt"));
        }

        // Three producer errors with a threshold of two: the circuit stays closed, a good job runs at once.
        Assert.Equal(HttpStatusCode.OK, (await worker.Http.GetAsync("/api/ready")).StatusCode);
        await queue.SendAsync(JobQueue.Job("after-dups", "thumbnail", "a.png"));
        await queue.WaitForStateAsync("after-dups", TimeSpan.FromSeconds(10), "Succeeded");
        Assert.Equal(3, (await queue.WaitForPoisonAsync(3)).Count);
    }

    [Fact]
    public async Task ResultJsonPresent_RecordNotSucceeded_RedeliveryFinishesTheRecord_WithoutRunningAgain()
    {
        var replyQueue = "marker-replies-" + Guid.NewGuid().ToString("N")[..8];
        await using var worker = await TestWorker.StartAsync(azurite, new Dictionary<string, string?> { ["Storage:AllowedReplyQueues"] = replyQueue });
        var queue = worker.Queue;
        await queue.UploadAsync("inputs", "a.png", TestImages.Png(64, 64));
        await queue.CreateReplyQueueAsync(replyQueue);
        // As left by a worker whose table write failed right after result.json: the marker exists, the record says Running.
        await queue.UploadAsync("outputs", "marker-1/result.json", """{"jobId":"marker-1","outputs":[]}"""u8.ToArray());
        var job = JobQueue.Job("marker-1", "thumbnail", "a.png");
        job["replyTo"] = replyQueue;

        await queue.SendAsync(job);

        await queue.WaitForStateAsync("marker-1", TimeSpan.FromSeconds(30), "Succeeded");
        var reply = JsonNode.Parse(Convert.FromBase64String((await queue.ReceiveReplyAsync(job["replyTo"]!.GetValue<string>())).MessageText))!;
        Assert.Equal("Succeeded", reply["state"]!.GetValue<string>());
        var container = queue.Blobs.GetBlobContainerClient("outputs");
        Assert.False((await container.GetBlobClient("marker-1/thumbnail.png").ExistsAsync()).Value, "the job ran again");
        Assert.Equal("""{"jobId":"marker-1","outputs":[]}""", (await container.GetBlobClient("marker-1/result.json").DownloadContentAsync()).Value.Content.ToString());
        await queue.WaitForQueueEmptyAsync();
    }

    [Fact]
    public async Task TwinCopiesOfOneJob_OneRuns_TheOtherWaits_OutputsNeverChange()
    {
        await using var worker = await TestWorker.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Pipelines:Delay:Enabled"] = "true",
            ["AzureFunctionsJobHost:worker:leaseDuration"] = "00:00:02",
        });
        var queue = worker.Queue;
        await queue.UploadAsync("inputs", "big.png", TestImages.Png(400, 300));
        var png = JobQueue.Job("twin-1", "thumbnail", "big.png", new JsonObject { ["maxSide"] = 64, ["format"] = "png" });
        var jpeg = JobQueue.Job("twin-1", "thumbnail", "big.png", new JsonObject { ["maxSide"] = 64, ["format"] = "jpeg" });

        await Task.WhenAll(queue.SendAsync(png), queue.SendAsync(jpeg));

        var record = await queue.WaitForStateAsync("twin-1", TimeSpan.FromSeconds(30), "Succeeded");
        var first = (await queue.ReadResultAsync("twin-1")).ToJsonString();
        await queue.WaitForQueueEmptyAsync();
        await Eventually.HoldsAsync(async () => await queue.VisibleCountAsync() == 0 && await queue.ApproximateCountAsync() == 0);

        var names = new List<string>();
        await foreach (var blob in queue.Blobs.GetBlobContainerClient("outputs").GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "twin-1/", CancellationToken.None))
        {
            names.Add(blob.Name);
        }

        Assert.Single(names, n => n.StartsWith("twin-1/thumbnail.", StringComparison.Ordinal));
        Assert.Equal(first, (await queue.ReadResultAsync("twin-1")).ToJsonString());
        Assert.Equal("Succeeded", (await queue.GetRecordAsync("twin-1"))!.GetString("State"));
        Assert.Contains("other content; ignored", (await queue.GetRecordAsync("twin-1"))!.GetString("Note") ?? string.Empty, StringComparison.Ordinal);
        Assert.Empty(await queue.PeekPoisonAsync());
        _ = record;
    }

    [Fact]
    public async Task ReplyToOutsideTheAllowList_OrPrefixIntoAnotherJob_PoisonedBeforeRunning_NoQueueCreated()
    {
        var allowed = "lane-replies-" + Guid.NewGuid().ToString("N")[..8];
        var stranger = "lane-other-" + Guid.NewGuid().ToString("N")[..8];
        await using var worker = await TestWorker.StartAsync(azurite, new Dictionary<string, string?> { ["Storage:AllowedReplyQueues"] = allowed });
        var queue = worker.Queue;
        await queue.UploadAsync("inputs", "a.png", TestImages.Png(32, 32));
        await queue.SendAsync(JobQueue.Job("lane-victim", "thumbnail", "a.png"));
        await queue.WaitForStateAsync("lane-victim", TimeSpan.FromSeconds(30), "Succeeded");
        var victimResult = (await queue.ReadResultAsync("lane-victim")).ToJsonString();
        var outside = JobQueue.Job("lane-outside", "thumbnail", "a.png");
        outside["replyTo"] = stranger;
        var intruder = JobQueue.Job("lane-intruder", "thumbnail", "a.png", new JsonObject { ["maxSide"] = 8 });
        intruder["output"] = new JsonObject { ["container"] = "outputs", ["prefix"] = "lane-victim/" };
        // Allowed, but its producer never created it: the job runs, the reply is dropped, no queue appears.
        var uncreated = JobQueue.Job("lane-uncreated", "thumbnail", "a.png");
        uncreated["replyTo"] = allowed;

        foreach (var job in new[] { outside, intruder, uncreated })
        {
            await queue.SendAsync(job);
        }

        var refused = await queue.WaitForStateAsync("lane-outside", TimeSpan.FromSeconds(30), "Poisoned");
        Assert.Equal("invalid-message", refused.GetString("ErrorType"));
        Assert.Contains("Storage:AllowedReplyQueues", refused.GetString("ErrorMessage"), StringComparison.Ordinal);
        var intruded = await queue.WaitForStateAsync("lane-intruder", TimeSpan.FromSeconds(30), "Poisoned");
        Assert.Equal("invalid-blob-name", intruded.GetString("ErrorType"));
        await queue.WaitForStateAsync("lane-uncreated", TimeSpan.FromSeconds(30), "Succeeded");
        await queue.WaitForQueueEmptyAsync();

        var outputs = queue.Blobs.GetBlobContainerClient("outputs");
        Assert.False((await outputs.GetBlobClient("lane-outside/thumbnail.png").ExistsAsync()).Value, "a refused job ran");
        Assert.Equal(victimResult, (await queue.ReadResultAsync("lane-victim")).ToJsonString());
        foreach (var name in new[] { stranger, allowed })
        {
            Assert.False((await new Azure.Storage.Queues.QueueClient(azurite.ConnectionString, name).ExistsAsync()).Value, $"the worker created queue {name}");
        }
    }

    [Fact]
    public async Task FailingMessageWithAFinishedJobsId_NeverRewritesItsRecord()
    {
        await using var worker = await TestWorker.StartAsync(azurite);
        var queue = worker.Queue;
        await queue.UploadAsync("inputs", "a.png", TestImages.Png(64, 64));
        await queue.SendAsync(JobQueue.Job("done-1", "thumbnail", "a.png"));
        await queue.WaitForStateAsync("done-1", TimeSpan.FromSeconds(30), "Succeeded");

        var forged = await queue.SendRawAsync(JobQueue.Base64("""{"jobId":"done-1","pipeline":"thumbnail"}"""));

        var own = await queue.WaitForStateAsync("msg-" + forged.MessageId, TimeSpan.FromSeconds(30), "Poisoned");
        Assert.Equal("invalid-message", own.GetString("ErrorType"));
        Assert.Equal("Succeeded", (await queue.GetRecordAsync("done-1"))!.GetString("State"));
    }

    [Fact]
    public async Task JobsReachOnlyAllowedContainers_AndRepliesNeverGoToTheJobsQueue()
    {
        await using var worker = await TestWorker.StartAsync(azurite);
        var queue = worker.Queue;
        await queue.UploadAsync("inputs", "a.png", TestImages.Png(32, 32));
        await queue.UploadAsync("models", "secret.onnx", [1, 2, 3]);
        var intoModels = JobQueue.Job("into-models", "thumbnail", "a.png");
        intoModels["output"] = new JsonObject { ["container"] = "models", ["prefix"] = "x/" };
        var fromModels = JobQueue.Job("from-models", "thumbnail", "secret.onnx", container: "models");
        var replyLoop = JobQueue.Job("reply-loop", "thumbnail", "a.png");
        replyLoop["replyTo"] = queue.Queue.Name;

        foreach (var job in new[] { intoModels, fromModels, replyLoop })
        {
            await queue.SendAsync(job);
        }

        Assert.Equal("container-not-allowed", (await queue.WaitForStateAsync("into-models", TimeSpan.FromSeconds(30), "Poisoned")).GetString("ErrorType"));
        Assert.Equal("container-not-allowed", (await queue.WaitForStateAsync("from-models", TimeSpan.FromSeconds(30), "Poisoned")).GetString("ErrorType"));
        Assert.Equal("invalid-message", (await queue.WaitForStateAsync("reply-loop", TimeSpan.FromSeconds(30), "Poisoned")).GetString("ErrorType"));
        Assert.False((await queue.Blobs.GetBlobContainerClient("models").GetBlobClient("x/result.json").ExistsAsync()).Value);
        await queue.WaitForQueueEmptyAsync();
    }

    [Fact]
    public async Task PoisonMessages_NeverExpire()
    {
        await using var worker = await TestWorker.StartAsync(azurite);
        await worker.Queue.SendRawAsync(JobQueue.Base64("{ not json"));

        var poisoned = Assert.Single(await worker.Queue.WaitForPoisonAsync(1));

        Assert.True(poisoned.ExpiresOn > DateTimeOffset.UtcNow.AddYears(100), $"poison expires on {poisoned.ExpiresOn:O}");
    }

    [Fact]
    public async Task FunctionKey_AnyMatchingValueIsEnough_AndProbesAnswerHeadAndOptions()
    {
        await using var worker = await TestWorker.StartAsync(azurite, new Dictionary<string, string?> { ["FunctionKey"] = "k" });
        using var wrongHeaderRightCode = new HttpRequestMessage(HttpMethod.Get, "/api/status?code=k");
        wrongHeaderRightCode.Headers.Add("x-functions-key", "stale");
        Assert.Equal(HttpStatusCode.OK, (await worker.Http.SendAsync(wrongHeaderRightCode)).StatusCode);

        using var repeated = new HttpRequestMessage(HttpMethod.Get, "/api/status");
        repeated.Headers.Add("x-functions-key", ["k", "k"]);
        Assert.Equal(HttpStatusCode.OK, (await worker.Http.SendAsync(repeated)).StatusCode);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/status?code=nope");
        Assert.Equal(HttpStatusCode.Unauthorized, (await worker.Http.SendAsync(wrong)).StatusCode);

        foreach (var path in new[] { "/api/health", "/api/ready" })
        {
            using var head = new HttpRequestMessage(HttpMethod.Head, path);
            var headResponse = await worker.Http.SendAsync(head);
            Assert.NotEqual(HttpStatusCode.MethodNotAllowed, headResponse.StatusCode);
            using var options = new HttpRequestMessage(HttpMethod.Options, path);
            var optionsResponse = await worker.Http.SendAsync(options);
            Assert.Equal(HttpStatusCode.NoContent, optionsResponse.StatusCode);
            Assert.Contains("HEAD", optionsResponse.Content.Headers.Allow);
        }
    }

    [Fact]
    public async Task StatusUnderABurstOfRequests_StillReportsTheQueueLength()
    {
        await using var worker = await TestWorker.StartAsync(azurite);
        await worker.Queue.SendRawAsync(JobQueue.Base64("{ not json"));
        using var client = new HttpClient { BaseAddress = worker.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        var bodies = await Task.WhenAll(Enumerable.Range(0, 500).Select(_ => client.GetStringAsync("/api/status")));

        Assert.All(bodies, body => Assert.NotNull(JsonNode.Parse(body)!["queue"]!["length"]));
    }
}
