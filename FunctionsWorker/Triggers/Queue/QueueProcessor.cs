using System.Text;
using Azure;
using Microsoft.Extensions.Options;
using FunctionsWorker.Configuration;
using FunctionsWorker.Errors;
using FunctionsWorker.Jobs;
using FunctionsWorker.Storage;
using FunctionsWorker.Telemetry;

namespace FunctionsWorker.Triggers.Queue;

/// <summary>
/// The one place that decides a message's fate, as the WebJobs extension's <c>QueueProcessor</c> does: it decodes the
/// message, refuses one past <c>maxDequeueCount</c>, hands the rest to the job runner, then turns the outcome into
/// delete, release with a delay, or a move to <c>&lt;queue&gt;-poison</c>, and sends the job's reply.
/// </summary>
public sealed class QueueProcessor(
    IJobRunner jobs,
    IMessageQueues queues,
    ReplySender replies,
    IOptions<QueuesOptions> queueOptions,
    IOptions<WorkerOptions> workerOptions,
    IOptions<StorageOptions> storage,
    ILogger<QueueProcessor> logger)
{
    // A fate whose record could not be written is retried no sooner than this, so a table outage is not a hot loop.
    private static readonly TimeSpan UnrecordedRetry = TimeSpan.FromSeconds(10);

    private readonly QueuesOptions _options = queueOptions.Value;
    private readonly IMessageQueue? _poison = storage.Value.PoisonQueueName is { } poison ? queues.Get(poison) : null;

    /// <summary>Runs the message's job and settles the message; storage failures while settling propagate to the caller.</summary>
    /// <param name="execution">Cancels the job itself: fires when shutdown's grace period has run out.</param>
    /// <param name="settle">Bounds what follows the job (record, reply, delete, release, poison): fires only once shutdown's
    /// grace and a small margin are spent, so the record of a failure is still written while the host stops.</param>
    public async Task<JobOutcome> ProcessAsync(ReceivedMessage message, MessageLease lease, CancellationToken execution, CancellationToken settle = default)
    {
        var (delivery, rejection) = Receive(message);
        var (outcome, _) = await HandleAsync(delivery, rejection, (fate, token) => SettleAsync(lease, fate, token), execution, settle).ConfigureAwait(false);
        return outcome;
    }

    /// <summary>
    /// Runs a delivery that the Functions host fetched and holds (its body already decoded, its dequeue count kept by
    /// the host) and decides its fate as <see cref="ProcessAsync"/> does, minus what the host owns: a poisoned job's
    /// original text is written to <c>&lt;queue&gt;-poison</c> here (the caller then completes the invocation), delete
    /// is the caller completing normally, and a release is the caller throwing so the host retries.
    /// </summary>
    public async Task<MessageFate> ProcessHostedAsync(JobEnvelope envelope, CancellationToken cancellationToken)
    {
        // CancellationToken.None to settle, as in SettleAsync: a stop must not leave the job recorded poisoned with no poison message.
        var (_, fate) = await HandleAsync(jobs.Read(envelope), null, (fate, _) => PoisonHostedAsync(envelope, fate), cancellationToken, CancellationToken.None)
            .ConfigureAwait(false);
        return fate;
    }

    /// <summary>
    /// The one path of every delivery: runs its job (or rejects it), decides its fate, records it, replies, then
    /// settles the message through <paramref name="settleMessage"/> (which returns the message's id in the poison
    /// queue when it moved it there) and notes that id on the record.
    /// </summary>
    private async Task<(JobOutcome Outcome, MessageFate Fate)> HandleAsync(
        JobDelivery delivery, WorkerException? rejection, Func<MessageFate, CancellationToken, Task<string?>> settleMessage,
        CancellationToken execution, CancellationToken settle)
    {
        var envelope = delivery.Envelope;
        // A rejected message's text was never decoded: its span has no producer.
        using var span = WorkerTelemetry.StartJob(rejection is null ? delivery.TraceParent : null, envelope.MessageId, envelope.DequeueCount);
        var outcome = rejection is null ? await jobs.RunAsync(delivery, execution).ConfigureAwait(false) : jobs.Reject(delivery, rejection);
        var (fate, recordKey) = await ConcludeAsync(outcome, envelope.DequeueCount, settle).ConfigureAwait(false);
        WorkerTelemetry.JobFinished(span, recordKey ?? outcome.Record.JobId, outcome.Job?.Pipeline, fate.State.ToString(), outcome.ErrorType, outcome.Record.DurationMs, outcome.Record.QueueWaitMs);
        using (WorkerTelemetry.StartSpan("settle")?.SetTag("messaging.operation.name", fate.Kind.ToString().ToLowerInvariant()))
        {
            if (await settleMessage(fate, settle).ConfigureAwait(false) is { } poisonMessageId && recordKey is not null)
            {
                await jobs.MarkPoisonedAsync(recordKey, poisonMessageId, settle).ConfigureAwait(false);
            }
        }

        return (outcome, fate);
    }

    /// <summary>Decides the fate of an attempt, records the state it ends in and sends the reply; returns the record's key.</summary>
    private async Task<(MessageFate Fate, string? RecordKey)> ConcludeAsync(JobOutcome outcome, long dequeueCount, CancellationToken settle)
    {
        var fate = Decide(outcome, dequeueCount);
        string? recordKey = outcome.Record.JobId;
        if (outcome.Kind is JobOutcomeKind.Failed or JobOutcomeKind.Interrupted or JobOutcomeKind.Cancelled)
        {
            recordKey = await jobs.FinishAsync(outcome, fate.State, settle).ConfigureAwait(false);
            if (recordKey is null && fate.Kind != MessageFateKind.Release)
            {
                // The table refused the record: poisoning or deleting now would leave a fate nobody can look up. The
                // message comes back, and its next delivery records the state, then settles it.
                fate = MessageFate.Release(fate.State, _options.VisibilityTimeout > UnrecordedRetry ? _options.VisibilityTimeout : UnrecordedRetry);
            }
        }

        if (outcome.Job?.ReplyTo is not null && fate.Kind != MessageFateKind.Release &&
            (outcome.Kind == JobOutcomeKind.Succeeded || fate.State is JobState.Poisoned or JobState.Cancelled) &&
            !await ReplyAsync(outcome, fate, settle).ConfigureAwait(false))
        {
            // A success whose reply failed comes back, and its redelivery (already succeeded) sends the reply again.
            fate = fate.State == JobState.Succeeded ? MessageFate.Release(JobState.Succeeded, _options.VisibilityTimeout) : fate;
        }

        return (fate, recordKey);
    }

    /// <summary>
    /// A message's fate for an outcome at <paramref name="dequeueCount"/>: success → delete; unfinished → back after the
    /// visibility timeout; interrupted → back at once; held by another delivery → back a lease later, never poisoned; permanent → poison; transient → retry after the visibility
    /// timeout until maxDequeueCount, then poison; worker fault → back at once for another worker (the dequeue count
    /// still rises, so a job that faults every worker ends in poison too). A queue without a poison queue keeps a
    /// message that would be poisoned, retried no sooner than a lease from now so it cannot become a hot loop.
    /// </summary>
    public MessageFate Decide(JobOutcome outcome, long dequeueCount)
    {
        var fate = outcome.Kind switch
        {
            JobOutcomeKind.Succeeded => MessageFate.Delete,
            JobOutcomeKind.Cancelled => new MessageFate(MessageFateKind.Delete, JobState.Cancelled),
            JobOutcomeKind.Unfinished => MessageFate.Release(JobState.Succeeded, _options.VisibilityTimeout),
            JobOutcomeKind.Interrupted => MessageFate.Release(JobState.Released, TimeSpan.Zero),
            JobOutcomeKind.InProgress => MessageFate.Release(JobState.Running, workerOptions.Value.LeaseDuration),
            _ when outcome.Failure == FailureClass.Permanent || dequeueCount >= _options.MaxDequeueCount => MessageFate.Poison,
            _ when outcome.Failure == FailureClass.Transient => MessageFate.Release(JobState.Retrying, _options.VisibilityTimeout),
            _ => MessageFate.Release(JobState.Released, TimeSpan.Zero),
        };
        if (fate.Kind == MessageFateKind.Poison && _poison is null)
        {
            var lease = workerOptions.Value.LeaseDuration;
            var delay = _options.VisibilityTimeout > lease ? _options.VisibilityTimeout : lease;
            return MessageFate.Release(outcome.Failure == FailureClass.WorkerFault ? JobState.Released : JobState.Retrying, delay);
        }

        return fate;
    }

    /// <summary>
    /// The message as a delivery, its body read once; with the reason it may not run at all when its text is not in
    /// the configured encoding.
    /// </summary>
    private (JobDelivery Delivery, WorkerException? Rejection) Receive(ReceivedMessage message)
    {
        string body;
        try
        {
            body = _options.Decode(message.Text);
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return (jobs.Read(new JobEnvelope(message.MessageId, message.Text, message.DequeueCount, message.InsertedOn)),
                new InvalidJobException("invalid-base64",
                    "The message is not valid base64 (host.json extensions.queues.messageEncoding is 'base64'): " + ex.Message, ex));
        }

        // Functions' rule: a message already past maxDequeueCount goes to poison without running (it may still finish
        // a job whose result.json exists, or wait for the delivery that holds it).
        var refusal = message.DequeueCount > _options.MaxDequeueCount
            ? new TransientJobException("max-dequeue-count-exceeded",
                $"The message was dequeued {message.DequeueCount} times, more than maxDequeueCount ({_options.MaxDequeueCount}).")
            : null;
        return (jobs.Read(new JobEnvelope(message.MessageId, body, message.DequeueCount, message.InsertedOn, refusal)), null);
    }

    /// <summary>Sends the reply; false when storage refused it.</summary>
    private async Task<bool> ReplyAsync(JobOutcome outcome, MessageFate fate, CancellationToken settle)
    {
        try
        {
            var outputUri = fate.State == JobState.Succeeded ? outcome.Record.OutputUri : null;
            await replies.SendAsync(outcome.Job!, fate.State, outputUri, outcome.Error, outcome.Ignored, settle).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.IsMissingTarget())
        {
            // Not retried: no redelivery would create the queue, and holding the message for it would loop.
            Log.ReplyQueueMissing(logger, outcome.Record.JobId, outcome.Job!.ReplyTo!);
            return true;
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex))
        {
            Log.ReplyFailed(logger, outcome.Record.JobId, outcome.Record.MessageId ?? string.Empty, outcome.Record.Attempt, StorageErrors.Describe(ex));
            return false;
        }
    }

    /// <summary>
    /// The part of a hosted delivery's fate the host leaves to the worker: a poisoned job's original text, encoded as
    /// the host's queue holds it, goes to <c>&lt;queue&gt;-poison</c>; returns its id there.
    /// </summary>
    private async Task<string?> PoisonHostedAsync(JobEnvelope envelope, MessageFate fate)
    {
        if (fate.Kind != MessageFateKind.Poison)
        {
            return null;
        }

        var poisonMessageId = await _poison!.SendAsync(_options.Encode(envelope.Body), workerOptions.Value.PoisonMessageTimeToLive, createIfMissing: true, CancellationToken.None)
            .ConfigureAwait(false);
        Log.MovedToPoison(logger, envelope.MessageId, envelope.DequeueCount, _poison.Name);
        return poisonMessageId;
    }

    /// <summary>Deletes, releases or poisons the message; returns its id in the poison queue when it was moved there.</summary>
    private async Task<string?> SettleAsync(MessageLease lease, MessageFate fate, CancellationToken settle)
    {
        if (lease.Lost)
        {
            // The message was gone or taken by another worker mid-job: nothing of it is ours to delete or release.
            Log.SettleSkipped(logger, lease.MessageId, lease.DequeueCount, fate.Kind);
            return null;
        }

        switch (fate.Kind)
        {
            case MessageFateKind.Poison:
                // The original text, unchanged, so a replay is a plain re-enqueue. Sent before the delete: if the settle
                // bound cuts in between, the message comes back and is poisoned again, never lost.
                var poisonMessageId = await _poison!.SendAsync(lease.Text, workerOptions.Value.PoisonMessageTimeToLive, createIfMissing: true, settle).ConfigureAwait(false);
                await lease.DeleteAsync().ConfigureAwait(false);
                Log.MovedToPoison(logger, lease.MessageId, lease.DequeueCount, _poison.Name);
                return poisonMessageId;
            case MessageFateKind.Delete:
                await lease.DeleteAsync().ConfigureAwait(false);
                return null;
            default:
                await lease.ReleaseAsync(fate.Delay).ConfigureAwait(false);
                return null;
        }
    }
}
