using System.Text;
using System.Text.Json.Nodes;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Functions.Tests.Fixtures;

/// <summary>A producer's view of one worker's queue, poison queue, blobs and job table, for arranging and asserting.</summary>
public sealed class JobQueue
{
    private readonly HttpPipelineTransport? _transport;

    /// <param name="transport">For an HTTPS Azurite: the transport that trusts its certificate.</param>
    public JobQueue(string connectionString, string queueName, string tableName, HttpPipelineTransport? transport = null)
    {
        _transport = transport;
        Queue = new QueueClient(connectionString, queueName, QueueOptions());
        Poison = new QueueClient(connectionString, queueName + "-poison", QueueOptions());
        Blobs = new BlobServiceClient(connectionString, transport is null ? null : new BlobClientOptions { Transport = transport });
        Table = new TableClient(connectionString, tableName, transport is null ? null : new TableClientOptions { Transport = transport });
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public QueueClient Queue { get; }

    public QueueClient Poison { get; }

    public BlobServiceClient Blobs { get; }

    public TableClient Table { get; }

    private QueueClientOptions? QueueOptions() => _transport is null ? null : new QueueClientOptions { Transport = _transport };

    public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    public async Task UploadAsync(string container, string blob, byte[] content)
    {
        var client = Blobs.GetBlobContainerClient(container);
        await client.CreateIfNotExistsAsync();
        await client.GetBlobClient(blob).UploadAsync(new BinaryData(content), overwrite: true);
    }

    /// <summary>Sends the raw text as the message body, exactly as given.</summary>
    public async Task<SendReceipt> SendRawAsync(string text)
    {
        await Queue.CreateIfNotExistsAsync();
        return (await Queue.SendMessageAsync(text)).Value;
    }

    public Task<SendReceipt> SendAsync(JsonObject job) => SendRawAsync(Base64(job.ToJsonString()));

    public static JsonObject Job(string jobId, string pipeline, string blob, JsonObject? parameters = null, string container = "inputs") => new()
    {
        ["jobId"] = jobId,
        ["pipeline"] = pipeline,
        ["input"] = new JsonObject { ["container"] = container, ["blob"] = blob },
        ["parameters"] = parameters ?? new JsonObject(),
    };

    public async Task<TableEntity?> GetRecordAsync(string jobId)
    {
        try
        {
            var response = await Table.GetEntityIfExistsAsync<TableEntity>(jobId, "job");
            return response.HasValue ? response.Value : null;
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Polls the job record until its state is one of <paramref name="states"/>.</summary>
    public async Task<TableEntity> WaitForStateAsync(string jobId, TimeSpan timeout, params string[] states)
    {
        using var cts = new CancellationTokenSource(timeout);
        TableEntity? last = null;
        while (!cts.IsCancellationRequested)
        {
            last = await GetRecordAsync(jobId);
            if (last is not null && states.Contains(last.GetString("State")))
            {
                return last;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Job {jobId} did not reach [{string.Join(", ", states)}] in {timeout}; last state {last?.GetString("State") ?? "none"}.");
    }

    public async Task<List<PeekedMessage>> PeekPoisonAsync()
    {
        await Poison.CreateIfNotExistsAsync();
        return [.. (await Poison.PeekMessagesAsync(32)).Value];
    }

    /// <summary>Creates a reply queue as its producer does: the worker sends replies only to queues that exist.</summary>
    public async Task CreateReplyQueueAsync(string replyQueue) =>
        await new QueueClient(ConnectionString, replyQueue, QueueOptions()).CreateIfNotExistsAsync();

    /// <summary>Waits for the completion message on a replyTo queue (sent after the record is written).</summary>
    public async Task<QueueMessage> ReceiveReplyAsync(string replyQueue)
    {
        var replies = new QueueClient(ConnectionString, replyQueue, QueueOptions());
        QueueMessage? reply = null;
        await Eventually.HoldsAsync(async () =>
            await replies.ExistsAsync() && (reply = (await replies.ReceiveMessageAsync()).Value) is not null);
        return reply!;
    }

    /// <summary>The job record is written before its message is settled: wait for the queue to drain, not assume it.</summary>
    public Task WaitForQueueEmptyAsync() => Eventually.HoldsAsync(async () => await ApproximateCountAsync() == 0);

    /// <summary>Waits until the poison queue holds <paramref name="count"/> messages and returns them.</summary>
    public async Task<List<PeekedMessage>> WaitForPoisonAsync(int count)
    {
        await Eventually.HoldsAsync(async () => (await PeekPoisonAsync()).Count >= count);
        return await PeekPoisonAsync();
    }

    public async Task<int> VisibleCountAsync()
    {
        await Queue.CreateIfNotExistsAsync();
        return (await Queue.PeekMessagesAsync(32)).Value.Length;
    }

    public async Task<int> ApproximateCountAsync() => (await Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

    public async Task<JsonObject> ReadResultAsync(string jobId, string container = "outputs") =>
        JsonNode.Parse((await Blobs.GetBlobContainerClient(container).GetBlobClient($"{jobId}/result.json").DownloadContentAsync()).Value.Content.ToString())!.AsObject();
}
