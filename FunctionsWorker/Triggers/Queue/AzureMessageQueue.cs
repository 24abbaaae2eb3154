using Azure.Storage.Queues;
using FunctionsWorker.Storage;

namespace FunctionsWorker.Triggers.Queue;

/// <summary><see cref="IMessageQueue"/> on an Azure Storage queue.</summary>
internal sealed class AzureMessageQueue(QueueClient queue) : IMessageQueue
{
    public string Name => queue.Name;

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken) => queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    public async Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        var messages = (await queue.ReceiveMessagesAsync(maxMessages, visibilityTimeout, cancellationToken).ConfigureAwait(false)).Value;
        return Array.ConvertAll(messages, m => new ReceivedMessage(m.MessageId, m.PopReceipt, m.MessageText, m.DequeueCount, m.InsertedOn));
    }

    public async Task<string> UpdateVisibilityAsync(string messageId, string popReceipt, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        var receipt = await queue.UpdateMessageAsync(messageId, popReceipt, visibilityTimeout: visibilityTimeout, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return receipt.Value.PopReceipt;
    }

    public async Task<IReadOnlyList<ReceivedMessage>> PeekAsync(int maxMessages, CancellationToken cancellationToken)
    {
        try
        {
            var messages = (await queue.PeekMessagesAsync(maxMessages, cancellationToken).ConfigureAwait(false)).Value;
            return Array.ConvertAll(messages, m => new ReceivedMessage(m.MessageId, string.Empty, m.MessageText, m.DequeueCount, m.InsertedOn));
        }
        catch (Azure.RequestFailedException ex) when (ex.IsMissingTarget())
        {
            return [];
        }
    }

    public Task DeleteAsync(string messageId, string popReceipt, CancellationToken cancellationToken) =>
        queue.DeleteMessageAsync(messageId, popReceipt, cancellationToken);

    // The service's "never expires" is a time-to-live of -1 second.
    private static readonly TimeSpan Forever = TimeSpan.FromSeconds(-1);

    public async Task<string> SendAsync(string text, TimeSpan? timeToLive, bool createIfMissing, CancellationToken cancellationToken)
    {
        string? id = null;
        async Task Send() =>
            id = (await queue.SendMessageAsync(text, visibilityTimeout: null, timeToLive: timeToLive ?? Forever, cancellationToken).ConfigureAwait(false)).Value.MessageId;
        if (createIfMissing)
        {
            await StorageErrors.CreatingIfMissingAsync(Send, () => queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        else
        {
            await Send().ConfigureAwait(false);
        }

        return id!;
    }
}
