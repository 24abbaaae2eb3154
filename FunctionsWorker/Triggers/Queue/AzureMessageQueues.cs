using FunctionsWorker.Storage;


namespace FunctionsWorker.Triggers.Queue;

/// <summary><see cref="IMessageQueues"/> in the <c>AzureWebJobsStorage</c> account.</summary>
internal sealed class AzureMessageQueues(StorageClients clients) : IMessageQueues
{
    public IMessageQueue Get(string name) => new AzureMessageQueue(clients.Queues.GetQueueClient(name));
}
