using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using FunctionsWorker.Jobs;

namespace FunctionsWorker.Triggers.Queue;

/// <summary>Sends the small completion message to a job's <c>replyTo</c> queue, encoded like the jobs queue.</summary>
public sealed class ReplySender(IMessageQueues queues, IOptions<QueuesOptions> options)
{
    // Replies are notifications for a live producer: the queue service's default week is plenty.
    private static readonly TimeSpan ReplyTimeToLive = TimeSpan.FromDays(7);

    /// <param name="note">Set when this delivery's content was ignored because the job had already succeeded.</param>
    public Task SendAsync(JobMessage job, JobState state, string? outputUri, string? error, string? note, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["jobId"] = job.JobId,
            ["pipeline"] = job.Pipeline,
            ["state"] = state.ToString(),
            ["result"] = outputUri,
            ["error"] = error is { Length: > 1024 } ? error[..1024] : error,
        };
        if (note is not null)
        {
            body["note"] = note;
        }

        // Never created here: the parser let through only an allowed queue, and its producer owns it.
        return queues.Get(job.ReplyTo!).SendAsync(options.Value.Encode(body.ToJsonString()), ReplyTimeToLive, createIfMissing: false, cancellationToken);
    }
}
