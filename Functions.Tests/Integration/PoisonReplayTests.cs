using Functions.Tests.Fixtures;
using FunctionsWorker.Jobs;
using FunctionsWorker.Storage;
using FunctionsWorker.Triggers.Queue;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Integration;

/// <summary>
/// Replay never sends a poisoned message twice: not when its hold lapses while earlier messages are handled and
/// another operator takes it, not when a replay is retried after its delete failed. Records in Azurite; the queues
/// in memory on a fake clock, so a slow send and a competing receive happen exactly where the test puts them.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PoisonReplayTests(AzuriteFixture azurite)
{
    private const string JobsQueue = "jobs-replay";
    private const string PoisonQueue = JobsQueue + "-poison";

    [Fact]
    public async Task Replay_WhenItsHoldLapsesMidway_LeavesWhatAnotherOperatorTookToThem_NothingSentTwice()
    {
        var (admin, queues, records, clock) = await CreateAsync();
        var poison = queues[PoisonQueue];
        var texts = new Dictionary<string, string>();
        foreach (var jobId in new[] { "lapse-1", "lapse-2", "lapse-3" })
        {
            var (_, text) = await PoisonAsync(queues, records, jobId);
            texts[jobId] = text;
        }

        // Each send takes 20 s of the 30 s hold; meanwhile another operator's replay receives whatever is visible.
        var competitor = new List<ReceivedMessage>();
        queues[JobsQueue].BeforeSend = async () =>
        {
            clock.Advance(TimeSpan.FromSeconds(20));
            competitor.AddRange(await poison.ReceiveAsync(32, TimeSpan.FromSeconds(30), CancellationToken.None));
        };
        object? report = null;

        var error = await Record.ExceptionAsync(async () => report = await admin.ReplayAsync(null, null, CancellationToken.None));

        Assert.Null(error);
        Assert.Equal([texts["lapse-1"], texts["lapse-2"]], queues[JobsQueue].Texts);
        Assert.Equal(texts["lapse-3"], Assert.Single(competitor).Text);
        Assert.Equal([texts["lapse-3"]], poison.Texts);
        var failure = Assert.Single(((PoisonActionReport)report!).Failed); // report
        Assert.Equal(competitor[0].MessageId, failure.MessageId); // report
        Assert.StartsWith("taken by another replay or delete", failure.Error, StringComparison.Ordinal); // report
        Assert.Equal(2, ((PoisonActionReport)report!).Done.Count); // report
    }

    [Fact]
    public async Task Replay_RetriedAfterItsDeleteFailed_DeletesWithoutSendingAgain_AndSaysWhatWasDone()
    {
        var (admin, queues, records, clock) = await CreateAsync();
        var poison = queues[PoisonQueue];
        var (id, text) = await PoisonAsync(queues, records, "retry-1");
        poison.FailNextDeletes = 1;
        object? first = null;

        var error = await Record.ExceptionAsync(async () => first = await admin.ReplayAsync("retry-1", null, CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(31)); // its hold lapses: visible in the poison queue again
        var second = await admin.ReplayAsync("retry-1", null, CancellationToken.None);

        Assert.Null(error);
        Assert.Equal([text], queues[JobsQueue].Texts);
        Assert.Empty(poison.Texts);
        Assert.Equal(1, (await records.GetAsync("retry-1", CancellationToken.None))!.Replays);
        var failure = Assert.Single(((PoisonActionReport)first!).Failed); // report
        Assert.Equal(id, failure.MessageId); // report
        Assert.Contains("the next replay deletes it without sending it again", failure.Error, StringComparison.Ordinal); // report
        Assert.Equal([id], ((PoisonActionReport)second).Done); // report
    }

    [Fact]
    public async Task Delete_WhenStorageRefusesMidway_SaysSo_AndTheMessageStays()
    {
        var (admin, queues, records, clock) = await CreateAsync();
        var poison = queues[PoisonQueue];
        var (id, text) = await PoisonAsync(queues, records, "keep-1");
        poison.FailNextUpdates = 1;

        var report = await admin.DeleteAsync(id, CancellationToken.None);

        Assert.Empty(report.Done);
        var failure = Assert.Single(report.Failed);
        Assert.Equal((id, "keep-1"), (failure.MessageId, failure.JobId));
        Assert.StartsWith("not deleted: 503 ServerBusy", failure.Error, StringComparison.Ordinal);
        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal([text], poison.Texts);
        Assert.Equal([id], (await admin.DeleteAsync(id, CancellationToken.None)).Done);
        Assert.Empty(poison.Texts);
    }

    private async Task<(PoisonQueueAdmin Admin, InMemoryMessageQueues Queues, JobRecordStore Records, FakeTimeProvider Clock)> CreateAsync()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var storage = Options.Create(new StorageOptions
        {
            AzureWebJobsStorage = azurite.ConnectionString,
            JobsQueueName = JobsQueue,
            JobsTableName = "replay" + Guid.NewGuid().ToString("N")[..10],
        });
        var records = new JobRecordStore(new StorageClients(storage), storage, Microsoft.Extensions.Logging.Abstractions.NullLogger<JobRecordStore>.Instance);
        await records.CreateIfNotExistsAsync(CancellationToken.None);
        var queues = new InMemoryMessageQueues(clock);
        return (new PoisonQueueAdmin(queues, records, storage, Options.Create(new QueuesOptions()), clock), queues, records, clock);
    }

    /// <summary>A poisoned job as the worker leaves it: the original text in the poison queue, the record naming its poison id.</summary>
    private static async Task<(string Id, string Text)> PoisonAsync(InMemoryMessageQueues queues, JobRecordStore records, string jobId)
    {
        var text = JobQueue.Base64(JobQueue.Job(jobId, "thumbnail", "a.png").ToJsonString());
        var id = queues[PoisonQueue].Add(text);
        await records.UpsertAsync(new JobRecord { JobId = jobId, State = JobState.Poisoned, PoisonMessageId = id }, CancellationToken.None);
        return (id, text);
    }
}
