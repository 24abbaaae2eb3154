namespace FunctionsWorker.Triggers.Queue;

/// <summary>
/// The queue operations the trigger needs, and nothing else: the seam between the queue core and Azure Storage, so
/// the listener, leases and fates are unit-tested against an in-memory queue on a fake clock. Failures surface as
/// the storage SDK's exceptions (<see cref="Azure.RequestFailedException"/> and friends).
/// </summary>
public interface IMessageQueue
{
    string Name { get; }

    Task CreateIfNotExistsAsync(CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="maxMessages"/> messages, each invisible for <paramref name="visibilityTimeout"/>.</summary>
    Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken);

    /// <summary>Makes the message invisible for <paramref name="visibilityTimeout"/> from now; returns the new pop receipt.</summary>
    Task<string> UpdateVisibilityAsync(string messageId, string popReceipt, TimeSpan visibilityTimeout, CancellationToken cancellationToken);

    Task DeleteAsync(string messageId, string popReceipt, CancellationToken cancellationToken);

    /// <summary>Up to 32 visible messages, without taking them (no pop receipt, dequeue count unchanged).</summary>
    Task<IReadOnlyList<ReceivedMessage>> PeekAsync(int maxMessages, CancellationToken cancellationToken);

    /// <summary>Adds a message; a null <paramref name="timeToLive"/> never expires.</summary>
    /// <param name="createIfMissing">
    /// Create the queue first if it does not exist: only for the worker's own queues (jobs, poison), never for a queue
    /// a message names, which then fails with the service's 404 <c>QueueNotFound</c>.
    /// </param>
    /// <returns>The new message's id.</returns>
    Task<string> SendAsync(string text, TimeSpan? timeToLive, bool createIfMissing, CancellationToken cancellationToken);
}
