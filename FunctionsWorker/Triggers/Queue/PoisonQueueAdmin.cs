using Azure;
using FunctionsWorker.Jobs;
using FunctionsWorker.Storage;
using Microsoft.Extensions.Options;
using FunctionsWorker.Schema;

namespace FunctionsWorker.Triggers.Queue;

/// <summary>
/// What an operator does with the poison queue: look (peek, with each message's reason from its record), replay (the
/// original text back to the jobs queue unchanged, the record counting the replay) and delete. Nothing leaves the
/// poison queue but by an explicit replay or delete, and no replay sends a message twice: each message's hold is
/// renewed right before it is handled (a message another operator took meanwhile is left to them), and its record
/// notes the replay before the poison copy is deleted (a replay retried after a failed delete only deletes).
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

    /// <summary>Moves the matching messages (all when both filters are null) back to the jobs queue, each once; says per message what was done.</summary>
    public Task<PoisonActionReport> ReplayAsync(string? jobId, string? messageId, CancellationToken cancellationToken) =>
        TakeAsync(jobId, messageId, replay: true, cancellationToken);

    /// <summary>Deletes one message from the poison queue; <see cref="PoisonActionReport.Done"/> is empty when no such message is there.</summary>
    public Task<PoisonActionReport> DeleteAsync(string messageId, CancellationToken cancellationToken) =>
        TakeAsync(null, messageId, replay: false, cancellationToken);

    /// <summary>Receives the poison queue in turns and replays or deletes each match; the rest is made visible again.</summary>
    private async Task<PoisonActionReport> TakeAsync(string? jobId, string? messageId, bool replay, CancellationToken cancellationToken)
    {
        var poison = Poison;
        var done = new List<string>();
        var failed = new List<PoisonMessageFailure>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var passedOver = new List<ReceivedMessage>();
        string? stopped = null;
        try
        {
            for (var scanned = 0; scanned < MaxScanned;)
            {
                IReadOnlyList<ReceivedMessage> batch;
                try
                {
                    batch = await poison.ReceiveAsync(PerReceive, Hold, cancellationToken).ConfigureAwait(false);
                }
                catch (RequestFailedException ex) when (ex.IsMissingTarget())
                {
                    // Nothing was ever poisoned: there is no poison queue yet.
                    break;
                }
                catch (Exception ex) when (StorageErrors.IsStorageFailure(ex) && !cancellationToken.IsCancellationRequested && done.Count + failed.Count > 0)
                {
                    // What was done stands and is reported; the rest waits for the next call.
                    stopped = "the poison queue could not be read further: " + StorageErrors.Describe(ex);
                    break;
                }

                if (batch.Count == 0)
                {
                    break;
                }

                scanned += batch.Count;
                foreach (var message in batch)
                {
                    // The message id is checked first: the record is looked up only for a message that may match. One seen
                    // before in this call (its hold lapsed and it came round again) is left for the next call.
                    if (!seen.Add(message.MessageId) || (messageId is not null && message.MessageId != messageId))
                    {
                        passedOver.Add(message);
                        continue;
                    }

                    try
                    {
                        var record = await RecordOfAsync(message, cancellationToken).ConfigureAwait(false);
                        if (jobId is not null && Describe(message, record).JobId != jobId)
                        {
                            passedOver.Add(message);
                            continue;
                        }

                        if (await TakeOneAsync(poison, message, record, replay).ConfigureAwait(false) is { } failure)
                        {
                            failed.Add(failure);
                        }
                        else
                        {
                            done.Add(message.MessageId);
                        }
                    }
                    catch (Exception ex) when (StorageErrors.IsStorageFailure(ex) && !cancellationToken.IsCancellationRequested)
                    {
                        // Left as it was (its send, if any, failed): it is still in the poison queue, visible after its hold.
                        failed.Add(new PoisonMessageFailure(message.MessageId, JobIdOf(message.Text), (replay ? "not replayed: " : "not deleted: ") + StorageErrors.Describe(ex)));
                    }
                }

                if (messageId is not null && done.Count + failed.Count > 0)
                {
                    break;
                }
            }
        }
        finally
        {
            await ReleaseAsync(poison, passedOver).ConfigureAwait(false);
        }

        return new PoisonActionReport(done, failed, stopped);
    }

    /// <summary>
    /// Replays or deletes one received message; a failure that leaves it in a known state is returned, not thrown. Not
    /// the caller's token: once its hold is renewed, a message is sent, marked and deleted, or left as it was.
    /// </summary>
    private async Task<PoisonMessageFailure?> TakeOneAsync(IMessageQueue poison, ReceivedMessage message, JobRecord? record, bool replay)
    {
        string receipt;
        try
        {
            // A fresh receipt and hold: the receive's may have lapsed while earlier messages were handled.
            receipt = await poison.UpdateVisibilityAsync(message.MessageId, message.PopReceipt, Hold, CancellationToken.None).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.IsMessageGone() || ex.IsPopReceiptMismatch())
        {
            return new PoisonMessageFailure(message.MessageId, record?.JobId,
                "taken by another replay or delete after this one received it (its hold lapsed): left to it, not touched here");
        }

        var marked = false;
        if (replay && record?.ReplayedPoisonMessageId != message.MessageId)
        {
            await queues.Get(storage.Value.JobsQueueName).SendAsync(message.Text, timeToLive: null, createIfMissing: true, CancellationToken.None).ConfigureAwait(false);
            marked = await MarkReplayedAsync(message, record).ConfigureAwait(false);
        }
        else if (replay)
        {
            // Sent by an earlier replay whose delete failed: only the delete is left to do.
            marked = true;
        }

        try
        {
            await poison.DeleteAsync(message.MessageId, receipt, CancellationToken.None).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex))
        {
            var reason = StorageErrors.Describe(ex);
            return new PoisonMessageFailure(message.MessageId, record?.JobId, !replay
                ? "not deleted: " + reason
                : marked
                    ? $"sent back to the jobs queue, but its poison copy could not be deleted ({reason}); the next replay deletes it without sending it again"
                    : $"sent back to the jobs queue, but its poison copy could not be deleted ({reason}) and it has no record to note the replay: delete it, do not replay it again");
        }
    }

    /// <summary>Counts the replay in the record and notes the poison message it came from; false when there is no record or it could not be written.</summary>
    private async Task<bool> MarkReplayedAsync(ReceivedMessage message, JobRecord? record)
    {
        if (record is null)
        {
            return false;
        }

        try
        {
            return await records.MergeAsync(record.JobId, new Dictionary<string, object?>
            {
                [JobRecordColumns.Replays] = record.Replays + 1,
                [JobRecordColumns.ReplayedPoisonMessageId] = message.MessageId,
                [JobRecordColumns.Note] = $"Replayed from the poison queue at {time.GetUtcNow():O} (poison message {message.MessageId}).",
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex))
        {
            // The copy is sent; deleting the poison copy now is still right, and a failed delete says it is unmarked.
            return false;
        }
    }

    /// <summary>
    /// Makes what was looked at and left visible again for the next operator. Not the caller's token, and best effort: a
    /// message whose hold lapsed is visible already, or held by someone else.
    /// </summary>
    private static async Task ReleaseAsync(IMessageQueue poison, List<ReceivedMessage> passedOver)
    {
        foreach (var message in passedOver)
        {
            try
            {
                await poison.UpdateVisibilityAsync(message.MessageId, message.PopReceipt, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (StorageErrors.IsStorageFailure(ex))
            {
                // It becomes visible when its hold ends anyway.
            }
        }
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
