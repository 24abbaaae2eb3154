using Functions.Tests.Fixtures;
using FunctionsWorker.Configuration;
using FunctionsWorker.Errors;
using FunctionsWorker.Jobs;
using FunctionsWorker.Storage;
using FunctionsWorker.Triggers.Queue;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Unit.Queue;

public sealed class QueueProcessorTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Visibility = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryMessageQueues _queues;
    private readonly ScriptedJobRunner _jobs = new();

    public QueueProcessorTests() => _queues = new InMemoryMessageQueues(_time);

    [Fact]
    public void Permanent_GoesToPoison_OnFirstAttempt() =>
        Assert.Equal(MessageFate.Poison, Processor().Decide(Failed(new InvalidJobException("not-an-image", "no")), 1));

    [Fact]
    public void Transient_IsReleasedWithVisibilityTimeout_UntilMaxDequeueCount()
    {
        var processor = Processor();
        var outcome = Failed(new TransientJobException("timeout", "slow"));
        Assert.Equal(MessageFate.Release(JobState.Retrying, Visibility), processor.Decide(outcome, 4));
        Assert.Equal(MessageFate.Poison, processor.Decide(outcome, 5));
    }

    [Fact]
    public void WorkerFault_IsReleasedAtOnce_ButStillPoisonedAtMaxDequeueCount()
    {
        var processor = Processor();
        var outcome = Failed(new WorkerFaultException("model-not-ready", "loading"));
        Assert.Equal(MessageFate.Release(JobState.Released, TimeSpan.Zero), processor.Decide(outcome, 1));
        Assert.Equal(MessageFate.Poison, processor.Decide(outcome, 5));
    }

    [Fact]
    public void Interrupted_IsReleasedAtOnce_AndUnfinished_ComesBackToBeFinished()
    {
        var processor = Processor();
        var record = new JobRecord { JobId = "j", State = JobState.Running };
        Assert.Equal(MessageFate.Release(JobState.Released, TimeSpan.Zero), processor.Decide(new JobOutcome(JobOutcomeKind.Interrupted, record, null), 1));
        Assert.Equal(MessageFate.Release(JobState.Succeeded, Visibility), processor.Decide(new JobOutcome(JobOutcomeKind.Unfinished, record, null), 5));
        Assert.Equal(MessageFate.Delete, processor.Decide(new JobOutcome(JobOutcomeKind.Succeeded, record, null), 9));
    }

    [Fact]
    public void HeldByAnotherDelivery_ComesBackALeaseLater_NeverPoisoned()
    {
        var held = new JobOutcome(JobOutcomeKind.InProgress, new JobRecord { JobId = "j", State = JobState.Running }, null);
        Assert.Equal(MessageFate.Release(JobState.Running, Lease), Processor().Decide(held, 50));
    }

    [Fact]
    public async Task TableUnavailable_WhenAMessageWouldBePoisoned_ItStaysInTheQueue_UntilItsRecordCanBeWritten()
    {
        var jobs = WithABadMessage("jobs");
        _jobs.RecordsUnavailable = true;

        await ProcessOneAsync(Processor(), jobs);

        Assert.Equal(0, _queues["jobs-poison"].Count);
        Assert.Equal(1, jobs.Count);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, jobs.VisibleCount);

        _jobs.RecordsUnavailable = false;
        await ProcessOneAsync(Processor(), jobs);
        Assert.Equal(["bad"], _queues["jobs-poison"].Texts);
        Assert.Equal(0, jobs.Count);
    }

    [Fact]
    public async Task EveryDelivery_IsReadOnce_AndSettledOnce()
    {
        var jobs = WithABadMessage("jobs");

        await ProcessOneAsync(Processor(), jobs);
        await Processor().ProcessHostedAsync(new JobEnvelope("h1", "bad", 1, null), CancellationToken.None);

        Assert.Equal(["bad", "bad"], _jobs.Reads.Select(envelope => envelope.Body));
        Assert.Equal(["bad", "bad"], _queues["jobs-poison"].Texts);
        Assert.Equal(0, jobs.Count);
    }

    [Fact]
    public async Task Poison_IsWrittenWithoutExpiry()
    {
        var jobs = WithABadMessage("jobs");

        await ProcessOneAsync(Processor(), jobs);

        Assert.Equal(["bad"], _queues["jobs-poison"].Texts);
        Assert.Null(_queues["jobs-poison"].LastTimeToLive);
    }

    [Fact]
    public async Task PastMaxDequeueCount_GoesToPoisonWithoutRunning_TextUnchanged()
    {
        var processor = Processor();
        var jobs = _queues["jobs"];
        jobs.Add("{\"jobId\":\"j1\"}", dequeueCount: 5);

        await ProcessOneAsync(processor, jobs);

        Assert.Empty(_jobs.Ran);
        Assert.Equal("max-dequeue-count-exceeded", Assert.Single(_jobs.Rejected).ErrorType);
        Assert.Equal((Finished("m1"), JobState.Poisoned), Assert.Single(_jobs.Finished));
        Assert.Equal(["{\"jobId\":\"j1\"}"], _queues["jobs-poison"].Texts);
        Assert.Equal(0, jobs.Count);
    }

    [Fact]
    public async Task PoisonQueueItself_HasNoPoisonQueue_TheMessageStaysForAtLeastALease()
    {
        var processor = Processor(queueName: "jobs-poison");
        var queue = WithABadMessage("jobs-poison");

        await ProcessOneAsync(processor, queue);

        Assert.Equal(1, queue.Count);
        Assert.Equal(JobState.Retrying, Assert.Single(_jobs.Finished).State);
        _time.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.Equal(0, queue.VisibleCount);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, queue.VisibleCount);
        Assert.False(_queues["jobs-poison-poison"].Count > 0);
    }

    [Fact]
    public async Task UndecodableBase64_IsRejectedAsInvalidBase64_AndPoisonedUnchanged()
    {
        var processor = Processor(encoding: "base64");
        var jobs = _queues["jobs"];
        jobs.Add("not base64 at all!");

        await ProcessOneAsync(processor, jobs);

        Assert.Empty(_jobs.Ran);
        Assert.Equal("invalid-base64", Assert.Single(_jobs.Rejected).ErrorType);
        Assert.Equal(["not base64 at all!"], _queues["jobs-poison"].Texts);
    }

    [Fact]
    public async Task LeaseLostDuringTheJob_IsNotSettled_ItsNextHolderDecides()
    {
        var processor = Processor();
        var jobs = _queues["jobs"];
        jobs.Add("slow");
        _jobs.Gate = new TaskCompletionSource();
        var message = Assert.Single(await jobs.ReceiveAsync(1, Lease, CancellationToken.None));
        await using var lease = new MessageLease(jobs, message, Lease, _time, NullLogger.Instance);
        var run = processor.ProcessAsync(message, lease, CancellationToken.None);

        // The lease lapses (no renewal got through) and another worker takes the message.
        jobs.FailNextUpdates = 100;
        _time.Advance(Lease + TimeSpan.FromSeconds(1));
        await Eventually.HoldsAsync(() => Task.FromResult(jobs.Updates >= 1), 5);
        var other = Assert.Single(await jobs.ReceiveAsync(1, Lease, CancellationToken.None));
        jobs.FailNextUpdates = 0;
        await _time.AdvanceUntilAsync(() => lease.Lost, Lease);
        _jobs.Gate.SetResult();
        await run;

        Assert.Equal(1, jobs.Count);
        await jobs.DeleteAsync(other.MessageId, other.PopReceipt, CancellationToken.None);
    }

    [Fact]
    public async Task Hosted_Permanent_WritesTheBodyToPoisonEncoded_RecordsPoisoned_AndLetsTheInvocationComplete()
    {
        _jobs.Script("{\"jobId\":\"bad\"}", e => ScriptedJobRunner.Failing(e, new InvalidJobException("invalid-json", "bad")));

        var fate = await Processor(encoding: "base64").ProcessHostedAsync(new JobEnvelope("h1", "{\"jobId\":\"bad\"}", 1, null), CancellationToken.None);

        // The host decoded the body; poison gets it as the host's queue holds it (messageEncoding base64), no expiry.
        Assert.Equal(MessageFate.Poison, fate);
        Assert.Equal([JobQueue.Base64("{\"jobId\":\"bad\"}")], _queues["jobs-poison"].Texts);
        Assert.Null(_queues["jobs-poison"].LastTimeToLive);
        Assert.Equal((Finished("h1"), JobState.Poisoned), Assert.Single(_jobs.Finished));
    }

    [Fact]
    public async Task Hosted_Transient_IsReleased_ForTheHostToRetry_UntilTheLastAttemptPoisonsIt()
    {
        _jobs.Script("slow", e => ScriptedJobRunner.Failing(e, new TransientJobException("timeout", "slow")));
        var processor = Processor();

        Assert.Equal(MessageFate.Release(JobState.Retrying, Visibility), await processor.ProcessHostedAsync(new JobEnvelope("h2", "slow", 4, null), CancellationToken.None));
        Assert.Equal(0, _queues["jobs-poison"].Count);
        Assert.Equal(MessageFate.Poison, await processor.ProcessHostedAsync(new JobEnvelope("h2", "slow", 5, null), CancellationToken.None));
        Assert.Equal(["slow"], _queues["jobs-poison"].Texts);
        Assert.Equal([(Finished("h2"), JobState.Retrying), (Finished("h2"), JobState.Poisoned)], _jobs.Finished);
    }

    [Fact]
    public async Task Hosted_Success_IsDeleted_NothingPoisoned()
    {
        Assert.Equal(MessageFate.Delete, await Processor().ProcessHostedAsync(new JobEnvelope("h3", "fine", 1, null), CancellationToken.None));
        Assert.Equal(0, _queues["jobs-poison"].Count);
        Assert.Empty(_jobs.Finished);
    }

    private static string Finished(string messageId) => "msg-" + messageId;

    private static JobOutcome Failed(Exception exception) =>
        JobOutcome.Failed(new JobRecord { JobId = "j", State = JobState.Running }, null, exception);

    private QueueProcessor Processor(string queueName = "jobs", string encoding = "none")
    {
        var queues = Options.Create(new QueuesOptions { MaxDequeueCount = 5, VisibilityTimeout = Visibility, MessageEncoding = encoding });
        return new QueueProcessor(_jobs, _queues, new ReplySender(_queues, queues), queues,
            Options.Create(new WorkerOptions { LeaseDuration = Lease }),
            Options.Create(new StorageOptions { JobsQueueName = queueName }),
            NullLogger<QueueProcessor>.Instance);
    }

    private async Task ProcessOneAsync(QueueProcessor processor, InMemoryMessageQueue queue)
    {
        var message = Assert.Single(await queue.ReceiveAsync(1, Lease, CancellationToken.None));
        await using var lease = new MessageLease(queue, message, Lease, _time, NullLogger.Instance);
        await processor.ProcessAsync(message, lease, CancellationToken.None);
    }

    /// <summary>Queue <paramref name="queue"/> with one message, "bad", that the job runner rejects as invalid JSON.</summary>
    private InMemoryMessageQueue WithABadMessage(string queue)
    {
        var messages = _queues[queue];
        messages.Add("bad");
        _jobs.Script("bad", e => ScriptedJobRunner.Failing(e, new InvalidJobException("invalid-json", "bad")));
        return messages;
    }
}
