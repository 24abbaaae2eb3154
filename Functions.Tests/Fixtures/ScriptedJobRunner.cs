using System.Collections.Concurrent;
using FunctionsWorker.Errors;
using FunctionsWorker.Jobs;

namespace Functions.Tests.Fixtures;

/// <summary>
/// A job runner whose outcomes the test decides, by body: it records every envelope it runs, every rejection and
/// every final state, and can hold jobs until the test lets them go.
/// </summary>
public sealed class ScriptedJobRunner : IJobRunner
{
    private readonly ConcurrentDictionary<string, Func<JobEnvelope, JobOutcome>> _outcomes = new(StringComparer.Ordinal);

    public ConcurrentQueue<JobEnvelope> Ran { get; } = new();

    public ConcurrentQueue<(JobEnvelope Envelope, string ErrorType)> Rejected { get; } = new();

    public ConcurrentQueue<(string JobId, JobState State)> Finished { get; } = new();

    /// <summary>When set, every job waits for it before returning its outcome.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public void Script(string body, Func<JobEnvelope, JobOutcome> outcome) => _outcomes[body] = outcome;

    public static JobOutcome Succeeded(JobEnvelope envelope) => new(JobOutcomeKind.Succeeded, Record(envelope), null);

    public static JobOutcome Failing(JobEnvelope envelope, Exception exception) => JobOutcome.Failed(Record(envelope), null, exception);

    public Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Every envelope whose body the trigger had read.</summary>
    public ConcurrentQueue<JobEnvelope> Reads { get; } = new();

    // The body is the script's key, never parsed.
    JobDelivery IJobRunner.Read(JobEnvelope envelope)
    {
        Reads.Enqueue(envelope);
        return new(envelope, null, null, null, null);
    }

    public async Task<JobOutcome> RunAsync(JobDelivery delivery, CancellationToken cancellationToken)
    {
        var envelope = delivery.Envelope;
        if (envelope.Refusal is { } refusal)
        {
            Rejected.Enqueue((envelope, refusal.ErrorType));
            return JobOutcome.Failed(Record(envelope), null, refusal) with { Claimed = true };
        }

        Ran.Enqueue(envelope);
        if (Gate is { } gate)
        {
            try
            {
                await gate.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // As the real runner: shutdown's grace ran out, the job goes back to the queue.
                return new JobOutcome(JobOutcomeKind.Interrupted, Record(envelope), null);
            }
        }

        return _outcomes.TryGetValue(envelope.Body, out var outcome) ? outcome(envelope) : Succeeded(envelope);
    }

    public JobOutcome Reject(JobDelivery delivery, WorkerException reason)
    {
        Rejected.Enqueue((delivery.Envelope, reason.ErrorType));
        return JobOutcome.Failed(Record(delivery.Envelope), null, reason);
    }

    /// <summary>When set, record writes fail as a table outage would.</summary>
    public bool RecordsUnavailable { get; set; }

    public Task<string?> FinishAsync(JobOutcome outcome, JobState state, CancellationToken cancellationToken)
    {
        Finished.Enqueue((outcome.Record.JobId, state));
        return Task.FromResult(RecordsUnavailable ? null : outcome.Record.JobId);
    }

    public Task MarkPoisonedAsync(string recordKey, string poisonMessageId, CancellationToken cancellationToken) => Task.CompletedTask;

    private static JobRecord Record(JobEnvelope envelope) =>
        new() { JobId = "msg-" + envelope.MessageId, State = JobState.Running, MessageId = envelope.MessageId, Attempt = envelope.DequeueCount };
}
