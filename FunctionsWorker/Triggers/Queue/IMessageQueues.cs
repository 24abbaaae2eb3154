namespace FunctionsWorker.Triggers.Queue;

/// <summary>Queues by name in the worker's storage account: the jobs queue, its poison queue, reply queues.</summary>
public interface IMessageQueues
{
    IMessageQueue Get(string name);
}
