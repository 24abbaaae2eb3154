using System.Text.Json.Nodes;
using FunctionsWorker.Hosting;
using FunctionsWorker.Storage;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Jobs;

/// <summary>Sends the small completion message to a job's <c>replyTo</c> queue, encoded like the jobs queue.</summary>
public sealed class ReplySender(StorageClients clients, IOptions<QueuesOptions> queues)
{
    public async Task SendAsync(JobMessage job, JobState state, string? outputUri, string? error, CancellationToken cancellationToken)
    {
        var queue = clients.Queues.GetQueueClient(job.ReplyTo);
        var body = new JsonObject
        {
            ["jobId"] = job.JobId,
            ["pipeline"] = job.Pipeline,
            ["state"] = state.ToString(),
            ["result"] = outputUri,
            ["error"] = error is { Length: > 1024 } ? error[..1024] : error,
        }.ToJsonString();
        var text = queues.Value.Encode(body);
        await StorageErrors.CreatingIfMissingAsync(
            () => queue.SendMessageAsync(text, cancellationToken),
            () => queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken)).ConfigureAwait(false);
    }
}
