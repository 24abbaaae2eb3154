using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;
using Functions.Tests.Fixtures.Rpc;
using Google.Protobuf;

namespace Functions.Tests.EndToEnd;

/// <summary>
/// The isolated worker (FunctionsWorker.FunctionsHost) started the way the Functions host starts it, against a test
/// host speaking the published FunctionRpc protocol: start stream, init, worker indexing, load, and a queue invocation
/// carrying a real message read from Azurite, whose job must write its <c>result.json</c>. A protocol change in the
/// worker packages fails here, not in production.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FunctionsHostContractTests(AzuriteFixture azurite)
{
    // Bounds a wait for the worker's next message, so a worker that never answers fails the test instead of hanging it.
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private static readonly string WorkerDll = Path.Combine(RepositoryPaths.BuildOutput("FunctionsWorker.FunctionsHost"), "FunctionsWorker.FunctionsHost.dll");

    [Fact]
    public async Task Worker_SpeaksFunctionRpc_RunsAQueuedJob_PoisonsAPermanentFailure_FailsACancelledInvocation()
    {
        var queueName = "fh-" + Guid.NewGuid().ToString("N")[..8];
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["JobsQueueName"] = queueName,
            ["JobsTableName"] = "fh" + Guid.NewGuid().ToString("N")[..10],
            ["Inference:ModelCacheDirectory"] = Directory.CreateTempSubdirectory("functions-host-models-").FullName,
            ["Inference:Device"] = "cpu",
            ["Pipelines:Delay:Enabled"] = "true",
        };
        var jobs = new JobQueue(azurite.ConnectionString, queueName, settings["JobsTableName"]);
        await jobs.UploadAsync("inputs", "fh/cat.png", TestImages.Png(400, 200));
        var jobId = "fh-" + Guid.NewGuid().ToString("N")[..8];
        await jobs.SendAsync(JobQueue.Job(jobId, "thumbnail", "fh/cat.png", new JsonObject { ["maxSide"] = 100 }));

        await using var host = await TestFunctionsHost.StartAsync();
        using var patience = new CancellationTokenSource(Patience);
        var workerId = Guid.NewGuid().ToString();
        host.StartWorker(WorkerDll, workerId, Guid.NewGuid().ToString(), settings);

        var start = await ExpectAsync(host, StreamingMessage.ContentOneofCase.StartStream, patience.Token);
        Assert.Equal(workerId, start.StartStream.WorkerId);

        var appDirectory = Path.GetDirectoryName(WorkerDll)!;
        var init = new WorkerInitRequest { HostVersion = "4.1040.0", WorkerDirectory = appDirectory, FunctionAppDirectory = appDirectory };
        init.Capabilities["HttpUri"] = "true";
        await host.SendAsync(new StreamingMessage { RequestId = "init", WorkerInitRequest = init });
        var initialized = await ExpectAsync(host, StreamingMessage.ContentOneofCase.WorkerInitResponse, patience.Token);
        AssertSuccess(initialized.WorkerInitResponse.Result, host);
        // ConfigureFunctionsWebApplication: the worker tells the host where to proxy the HTTP triggers' requests.
        Assert.StartsWith("http://", initialized.WorkerInitResponse.Capabilities["HttpUri"], StringComparison.Ordinal);

        await host.SendAsync(new StreamingMessage { RequestId = "metadata", FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = appDirectory } });
        var metadata = (await ExpectAsync(host, StreamingMessage.ContentOneofCase.FunctionMetadataResponse, patience.Token)).FunctionMetadataResponse;
        AssertSuccess(metadata.Result, host);
        Assert.False(metadata.UseDefaultMetadataIndexing);
        var function = Assert.Single(metadata.FunctionMetadataResults, f => f.Name == "ProcessJob");
        var trigger = JsonNode.Parse(Assert.Single(function.RawBindings))!;
        Assert.Equal("queueTrigger", (string?)trigger["type"]);
        Assert.Equal("%JobsQueueName%", (string?)trigger["queueName"]);
        Assert.Equal("AzureWebJobsStorage", (string?)trigger["connection"]);

        await host.SendAsync(new StreamingMessage { RequestId = "load", FunctionLoadRequest = new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = function } });
        var loaded = (await ExpectAsync(host, StreamingMessage.ContentOneofCase.FunctionLoadResponse, patience.Token)).FunctionLoadResponse;
        Assert.Equal(function.FunctionId, loaded.FunctionId);
        AssertSuccess(loaded.Result, host);

        var invocation = await InvocationAsync(jobs, function.FunctionId);
        await host.SendAsync(new StreamingMessage { RequestId = "invoke", InvocationRequest = invocation });
        var invoked = (await ExpectAsync(host, StreamingMessage.ContentOneofCase.InvocationResponse, patience.Token)).InvocationResponse;
        Assert.Equal(invocation.InvocationId, invoked.InvocationId);
        AssertSuccess(invoked.Result, host);

        // The shared core ran the job: the completion marker and the record, as under the self-hosted worker.
        var result = await jobs.ReadResultAsync(jobId);
        Assert.Equal(jobId, (string?)result["jobId"]);
        Assert.Equal(100, (int)result["result"]!["width"]!);
        var record = await jobs.GetRecordAsync(jobId);
        Assert.Equal("Succeeded", record!.GetString("State"));
        Assert.Equal(invocation.TriggerMetadata["Id"].String, record.GetString("MessageId"));

        // A permanent failure: the function poisons the message itself and completes, so the host neither retries it
        // nor poisons it again.
        var missing = "fh-" + Guid.NewGuid().ToString("N")[..8];
        await jobs.SendAsync(JobQueue.Job(missing, "thumbnail", "fh/missing.png"));
        var poisoned = await InvocationAsync(jobs, function.FunctionId);
        await host.SendAsync(new StreamingMessage { RequestId = "invoke-poison", InvocationRequest = poisoned });
        AssertSuccess((await ExpectAsync(host, StreamingMessage.ContentOneofCase.InvocationResponse, patience.Token)).InvocationResponse.Result, host);
        var poison = Assert.Single(await jobs.PeekPoisonAsync());
        Assert.Equal(JobQueue.Base64(poisoned.InputData[0].Data.String), poison.MessageText);
        var poisonRecord = await jobs.GetRecordAsync(missing);
        Assert.Equal("Poisoned", poisonRecord!.GetString("State"));
        Assert.Equal("blob-not-found", poisonRecord.GetString("ErrorType"));

        // Cancelled by the host mid-job (its shutdown, functionTimeout): the invocation fails, so the host retries it.
        var slow = "fh-" + Guid.NewGuid().ToString("N")[..8];
        await jobs.SendAsync(JobQueue.Job(slow, "delay", "fh/cat.png", new JsonObject { ["ms"] = 600000 }));
        var cancelled = await InvocationAsync(jobs, function.FunctionId);
        await host.SendAsync(new StreamingMessage { RequestId = "invoke-cancel", InvocationRequest = cancelled });
        await jobs.WaitForStateAsync(slow, Patience, "Running");
        await host.SendAsync(new StreamingMessage { RequestId = "cancel", InvocationCancel = new InvocationCancel { InvocationId = cancelled.InvocationId } });
        var interrupted = (await ExpectAsync(host, StreamingMessage.ContentOneofCase.InvocationResponse, patience.Token)).InvocationResponse;
        Assert.Equal(cancelled.InvocationId, interrupted.InvocationId);
        Assert.NotEqual(StatusResult.Types.Status.Success, interrupted.Result.Status);
        Assert.Equal("Released", (await jobs.GetRecordAsync(slow))!.GetString("State"));
        Assert.Single(await jobs.PeekPoisonAsync());
    }

    /// <summary>
    /// The next message of the queue as the host's queue listener hands it to the worker: fetched from Azurite, its body
    /// decoded (messageEncoding base64), the trigger metadata the host sends beside it.
    /// </summary>
    private static async Task<InvocationRequest> InvocationAsync(JobQueue jobs, string functionId)
    {
        var message = (await jobs.Queue.ReceiveMessageAsync(TimeSpan.FromMinutes(5))).Value;
        var body = Encoding.UTF8.GetString(Convert.FromBase64String(message.MessageText));
        var invocation = new InvocationRequest
        {
            InvocationId = Guid.NewGuid().ToString(),
            FunctionId = functionId,
            // The host always sends its activity's trace context; the worker reads it for every invocation.
            TraceContext = new RpcTraceContext { TraceParent = $"00-{Guid.NewGuid():N}-{Guid.NewGuid().ToString("N")[..16]}-01" },
        };
        invocation.InputData.Add(new ParameterBinding { Name = "body", Data = new TypedData { String = body } });
        invocation.TriggerMetadata["QueueTrigger"] = new TypedData { String = body };
        invocation.TriggerMetadata["Id"] = new TypedData { String = message.MessageId };
        invocation.TriggerMetadata["PopReceipt"] = new TypedData { String = message.PopReceipt };
        // The host sends every non-string value as JSON: the 2.x worker refuses TypedData.Int in trigger metadata.
        invocation.TriggerMetadata["DequeueCount"] = new TypedData { Json = message.DequeueCount.ToString(CultureInfo.InvariantCulture) };
        invocation.TriggerMetadata["InsertionTime"] = Json(message.InsertedOn);
        invocation.TriggerMetadata["ExpirationTime"] = Json(message.ExpiresOn);
        invocation.TriggerMetadata["NextVisibleTime"] = Json(message.NextVisibleOn);
        invocation.TriggerMetadata["sys"] = new TypedData
        {
            Json = $$"""{"MethodName":"ProcessJob","UtcNow":{{JsonSerializer.Serialize(DateTimeOffset.UtcNow)}},"RandGuid":"{{Guid.NewGuid()}}"}""",
        };
        return invocation;
    }

    private static TypedData Json(DateTimeOffset? at) =>
        new() { Json = JsonSerializer.Serialize(at!.Value.ToString("O", CultureInfo.InvariantCulture)) };

    private static async Task<StreamingMessage> ExpectAsync(TestFunctionsHost host, StreamingMessage.ContentOneofCase expected, CancellationToken cancellationToken)
    {
        StreamingMessage message;
        try
        {
            message = await host.ReceiveAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"No {expected} from the worker. Its output:\n{host.Logs}");
        }

        Assert.True(message.ContentCase == expected, $"Expected {expected}, the worker sent {message.ContentCase} (first bytes {Convert.ToHexString(message.ToByteArray().Take(48).ToArray())}). Its output:\n{host.Logs}");
        return message;
    }

    private static void AssertSuccess(StatusResult result, TestFunctionsHost host) =>
        Assert.True(result.Status == StatusResult.Types.Status.Success,
            $"{result.Status}: {result.Result} {result.Exception?.Message}\n{result.Exception?.StackTrace}\nWorker output:\n{host.Logs}");
}
