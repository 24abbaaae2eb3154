using FunctionsWorker.Jobs;
using FunctionsWorker.Storage;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Triggers.Queue;

/// <summary>
/// What an operator does with the poison queue: look (peek, with each message's reason from its record), replay (the
/// original text back to the jobs queue unchanged, the record counting the replay) and delete. Nothing leaves the
/// poison queue but by an explicit replay or delete, and a replay is sent before its poison copy is deleted.
/// </summary>
public sealed class PoisonQueueAdmin(IMessageQueues queues, JobRecordStore records, IOptions<StorageOptions> storage, IOptions<QueuesOptions> encoding,
    TimeProvider time)
{
    // Messages looked at per call at most; each receive takes 32 and hides them for this long while they are sorted.
    private const int MaxScanned = 1000;
    private const int PerReceive = 32;
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(30);

    private IMessageQueue Poison => queues.Get(storage.Value.PoisonQueueName
        ?? throw new InvalidOperationException($"Queue '{storage.Value.JobsQueueName}' is itself a poison queue and has no poison queue."));

    public async Task<IReadOnlyList<PoisonedMessage>> ListAsync(CancellationToken cancellationToken)
    {
        var listed = new List<PoisonedMessage>();
        foreach (var message in await Poison.PeekAsync(PerReceive, cancellationToken).ConfigureAwait(false))
        {
            listed.Add(Describe(message, await RecordOfAsync(message, cancellationToken).ConfigureAwait(false)));
        }

        return listed;
    }

    /// <summary>Moves the matching messages (all when both filters are null) back to the jobs queue; returns their poison ids.</summary>
    public Task<IReadOnlyList<string>> ReplayAsync(string? jobId, string? messageId, CancellationToken cancellationToken) =>
        TakeAsync(jobId, messageId, async (message, record) =>
        {
            await queues.Get(storage.Value.JobsQueueName).SendAsync(message.Text, timeToLive: null, createIfMissing: true, cancellationToken).ConfigureAwait(false);
            if (record is not null)
            {
                await records.MergeAsync(record.JobId, new Dictionary<string, object?>
                {
                    ["Replays"] = record.Replays + 1,
                    ["Note"] = $"Replayed from the poison queue at {time.GetUtcNow():O} (poison message {message.MessageId}).",
                }, cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken);

    /// <summary>Deletes one message from the poison queue; false when no such message is there.</summary>
    public async Task<bool> DeleteAsync(string messageId, CancellationToken cancellationToken) =>
        (await TakeAsync(null, messageId, (_, _) => Task.CompletedTask, cancellationToken).ConfigureAwait(false)).Count > 0;

    /// <summary>Receives the poison queue in turns, runs <paramref name="action"/> on each match and deletes it; the rest is made visible again.</summary>
    private async Task<IReadOnlyList<string>> TakeAsync(string? jobId, string? messageId, Func<ReceivedMessage, JobRecord?, Task> action,
        CancellationToken cancellationToken)
    {
        var poison = Poison;
        var taken = new List<string>();
        var passedOver = new List<ReceivedMessage>();
        try
        {
            for (var scanned = 0; scanned < MaxScanned;)
            {
                IReadOnlyList<ReceivedMessage> batch;
                try
                {
                    batch = await poison.ReceiveAsync(PerReceive, Hold, cancellationToken).ConfigureAwait(false);
                }
                catch (Azure.RequestFailedException ex) when (ex.IsMissingTarget())
                {
                    // Nothing was ever poisoned: there is no poison queue yet.
                    break;
                }

                if (batch.Count == 0)
                {
                    break;
                }

                scanned += batch.Count;
                foreach (var message in batch)
                {
                    // The message id is checked first: the record is looked up only for a message that may match.
                    var record = messageId is null || message.MessageId == messageId
                        ? await RecordOfAsync(message, cancellationToken).ConfigureAwait(false)
                        : null;
                    var matches = (messageId is null || message.MessageId == messageId) && (jobId is null || Describe(message, record).JobId == jobId);
                    if (!matches)
                    {
                        passedOver.Add(message);
                        continue;
                    }

                    await action(message, record).ConfigureAwait(false);
                    await poison.DeleteAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
                    taken.Add(message.MessageId);
                }

                if (messageId is not null && taken.Count > 0)
                {
                    break;
                }
            }
        }
        finally
        {
            // Not the caller's token: what was looked at and left must be visible again for the next operator.
            foreach (var message in passedOver)
            {
                await poison.UpdateVisibilityAsync(message.MessageId, message.PopReceipt, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
            }
        }

        return taken;
    }

    /// <summary>The record of a poisoned message: the one that noted its poison id, else the one of the jobId in its body.</summary>
    private async Task<JobRecord?> RecordOfAsync(ReceivedMessage message, CancellationToken cancellationToken) =>
        await records.FindByPoisonMessageIdAsync(message.MessageId, cancellationToken).ConfigureAwait(false)
        ?? (JobIdOf(message.Text) is { } jobId ? await records.GetAsync(jobId, cancellationToken).ConfigureAwait(false) : null);

    private PoisonedMessage Describe(ReceivedMessage message, JobRecord? record) =>
        new(message.MessageId, message.InsertedOn, message.Text, record?.JobId ?? JobIdOf(message.Text), record?.ErrorType,
            record?.ErrorMessage, record?.State, record?.Replays ?? 0);

    private string? JobIdOf(string text) => encoding.Value.TryDecode(text, out var body) ? JobMessageParser.TryReadJobId(body) : null;
}
