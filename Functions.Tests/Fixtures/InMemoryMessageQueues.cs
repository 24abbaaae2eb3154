using System.Collections.Concurrent;
using FunctionsWorker.Triggers.Queue;

namespace Functions.Tests.Fixtures;

/// <summary>Queues by name, created on first use, all on one clock.</summary>
public sealed class InMemoryMessageQueues(TimeProvider time) : IMessageQueues
{
    private readonly ConcurrentDictionary<string, InMemoryMessageQueue> _queues = new(StringComparer.Ordinal);

    public InMemoryMessageQueue this[string name] => _queues.GetOrAdd(name, n => new InMemoryMessageQueue(n, time));

    public IMessageQueue Get(string name) => this[name];
}
