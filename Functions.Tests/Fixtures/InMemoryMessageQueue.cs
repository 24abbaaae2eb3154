using Azure;
using FunctionsWorker.Triggers.Queue;

namespace Functions.Tests.Fixtures;

/// <summary>
/// An Azure Storage queue in memory on a (fake) clock, with the service's visibility, pop-receipt and dequeue-count
/// rules and its error codes, so the queue core's unit tests see what Azurite would show them.
/// </summary>
public sealed class InMemoryMessageQueue(string name, TimeProvider time) : IMessageQueue
{
    private readonly object _gate = new();
    private readonly List<Entry> _entries = [];
    private int _nextId;

    public string Name => name;

    /// <summary>Visibility updates sent (renewals and releases), successful or not.</summary>
    public int Updates { get; private set; }

    /// <summary>Receive calls made.</summary>
    public int Receives { get; private set; }

    /// <summary>The next this-many visibility updates fail with 503, as a storage hiccup would.</summary>
    public int FailNextUpdates { get; set; }

    /// <summary>The next this-many deletes fail with 503, as a storage hiccup would.</summary>
    public int FailNextDeletes { get; set; }

    /// <summary>Runs before each send, as the time a slow send takes (a test advances its clock here, or lets another client act).</summary>
    public Func<Task>? BeforeSend { get; set; }

    public int Count
    {
        get { lock (_gate) { return _entries.Count; } }
    }

    public IReadOnlyList<string> Texts
    {
        get { lock (_gate) { return [.. _entries.Select(e => e.Text)]; } }
    }

    public int VisibleCount
    {
        get { lock (_gate) { return _entries.Count(e => e.VisibleAt <= time.GetUtcNow()); } }
    }

    /// <summary>Adds a message as a producer would, optionally already dequeued <paramref name="dequeueCount"/> times.</summary>
    public string Add(string text, long dequeueCount = 0)
    {
        lock (_gate)
        {
            var entry = new Entry($"m{++_nextId}", text, time.GetUtcNow()) { DequeueCount = dequeueCount, VisibleAt = time.GetUtcNow() };
            _entries.Add(entry);
            return entry.Id;
        }
    }

    /// <summary>Takes a message away as another worker's delete would.</summary>
    public void Remove(string messageId)
    {
        lock (_gate)
        {
            _entries.RemoveAll(e => e.Id == messageId);
        }
    }

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Receives++;
            var now = time.GetUtcNow();
            var taken = _entries.Where(e => e.VisibleAt <= now).Take(maxMessages).ToArray();
            foreach (var entry in taken)
            {
                entry.DequeueCount++;
                entry.PopReceipt = Guid.NewGuid().ToString("N");
                entry.VisibleAt = now + visibilityTimeout;
            }

            return Task.FromResult<IReadOnlyList<ReceivedMessage>>(
                [.. taken.Select(e => new ReceivedMessage(e.Id, e.PopReceipt!, e.Text, e.DequeueCount, e.InsertedOn))]);
        }
    }

    public Task<string> UpdateVisibilityAsync(string messageId, string popReceipt, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Updates++;
            if (FailNextUpdates > 0)
            {
                FailNextUpdates--;
                throw new RequestFailedException(503, "The server is busy.", "ServerBusy", null);
            }

            var entry = Held(messageId, popReceipt);
            entry.VisibleAt = time.GetUtcNow() + visibilityTimeout;
            entry.PopReceipt = Guid.NewGuid().ToString("N");
            return Task.FromResult(entry.PopReceipt);
        }
    }

    public Task<IReadOnlyList<ReceivedMessage>> PeekAsync(int maxMessages, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            return Task.FromResult<IReadOnlyList<ReceivedMessage>>(
                [.. _entries.Where(e => e.VisibleAt <= now).Take(maxMessages).Select(e => new ReceivedMessage(e.Id, string.Empty, e.Text, e.DequeueCount, e.InsertedOn))]);
        }
    }

    public Task DeleteAsync(string messageId, string popReceipt, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (FailNextDeletes > 0)
            {
                FailNextDeletes--;
                throw new RequestFailedException(503, "The server is busy.", "ServerBusy", null);
            }

            _entries.Remove(Held(messageId, popReceipt));
            return Task.CompletedTask;
        }
    }

    /// <summary>The time-to-live of the last message sent (null: never expires).</summary>
    public TimeSpan? LastTimeToLive { get; private set; }

    public async Task<string> SendAsync(string text, TimeSpan? timeToLive, bool createIfMissing, CancellationToken cancellationToken)
    {
        if (BeforeSend is { } before)
        {
            await before();
        }

        LastTimeToLive = timeToLive;
        return Add(text);
    }

    private Entry Held(string messageId, string popReceipt)
    {
        var entry = _entries.Find(e => e.Id == messageId)
            ?? throw new RequestFailedException(404, "The specified message does not exist.", "MessageNotFound", null);
        return entry.PopReceipt == popReceipt
            ? entry
            : throw new RequestFailedException(400, "The specified pop receipt did not match.", "PopReceiptMismatch", null);
    }

    private sealed class Entry(string id, string text, DateTimeOffset insertedOn)
    {
        public string Id { get; } = id;

        public string Text { get; } = text;

        public DateTimeOffset InsertedOn { get; } = insertedOn;

        public long DequeueCount { get; set; }

        public DateTimeOffset VisibleAt { get; set; }

        public string? PopReceipt { get; set; }
    }
}
