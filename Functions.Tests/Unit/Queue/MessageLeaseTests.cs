using Functions.Tests.Fixtures;
using FunctionsWorker.Triggers.Queue;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Unit.Queue;

public sealed class MessageLeaseTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryMessageQueue _queue;

    public MessageLeaseTests() => _queue = new InMemoryMessageQueue("jobs", _time);

    [Fact]
    public async Task Renewal_AtHalfTheLease_KeepsTheMessageInvisiblePastItsFirstLease()
    {
        var message = await HoldOneAsync();
        await using var lease = new MessageLease(_queue, message, Lease, _time, NullLogger.Instance);

        _time.Advance(Lease / 2);
        await Eventually.HoldsAsync(() => Task.FromResult(lease.Renewals == 1), 5);
        _time.Advance(Lease / 2 + TimeSpan.FromSeconds(1));

        Assert.Equal(0, _queue.VisibleCount);
        await lease.DeleteAsync();
        Assert.Equal(0, _queue.Count);
    }

    [Fact]
    public async Task FailedRenewal_IsRetriedAnEighthOfTheLeaseLater_BeforeTheLeaseEnds()
    {
        var message = await HoldOneAsync();
        _queue.FailNextUpdates = 1;
        await using var lease = new MessageLease(_queue, message, Lease, _time, NullLogger.Instance);

        _time.Advance(Lease / 2);
        await Eventually.HoldsAsync(() => Task.FromResult(_queue.Updates == 1), 5);
        Assert.Equal(0, lease.Renewals);

        // The retry comes an eighth of the lease after the failure, well before the lease ends.
        var waited = await _time.AdvanceUntilAsync(() => lease.Renewals == 1, Lease);
        Assert.InRange(waited, Lease / 8, Lease / 8 + TimeSpan.FromSeconds(3));
        _time.Advance(Lease / 2);
        Assert.Equal(0, _queue.VisibleCount);
        Assert.False(lease.Lost);
    }

    [Fact]
    public async Task MessageTakenAway_MarksTheLeaseLost()
    {
        var message = await HoldOneAsync();
        await using var lease = new MessageLease(_queue, message, Lease, _time, NullLogger.Instance);

        _queue.Remove(message.MessageId);
        _time.Advance(Lease / 2);

        await Eventually.HoldsAsync(() => Task.FromResult(lease.Lost), 5);
    }

    [Fact]
    public async Task Release_MakesTheMessageVisibleAfterTheDelay_WithTheNewestPopReceipt()
    {
        var message = await HoldOneAsync();
        await using var lease = new MessageLease(_queue, message, Lease, _time, NullLogger.Instance);
        _time.Advance(Lease / 2);
        await Eventually.HoldsAsync(() => Task.FromResult(lease.Renewals == 1), 5);

        await lease.ReleaseAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, _queue.VisibleCount);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, _queue.VisibleCount);
    }

    private async Task<ReceivedMessage> HoldOneAsync()
    {
        _queue.Add("{}");
        return Assert.Single(await _queue.ReceiveAsync(1, Lease, CancellationToken.None));
    }
}
