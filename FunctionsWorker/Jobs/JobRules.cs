namespace FunctionsWorker.Jobs;

/// <summary>What a job message may name: registered pipelines, the allowed input and output containers, and queues a reply may not go to.</summary>
public sealed record JobRules(
    IReadOnlySet<string> Pipelines,
    IReadOnlySet<string> InputContainers,
    IReadOnlySet<string> OutputContainers,
    IReadOnlySet<string> ReservedQueues);
