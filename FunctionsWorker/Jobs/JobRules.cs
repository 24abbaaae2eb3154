namespace FunctionsWorker.Jobs;

/// <summary>
/// What a job message may name: registered pipelines, the allowed input and output containers, queues a reply may
/// never go to (the jobs queue and its poison queue) and the queues it may go to (<c>Storage:AllowedReplyQueues</c>).
/// </summary>
public sealed record JobRules(
    IReadOnlySet<string> Pipelines,
    IReadOnlySet<string> InputContainers,
    IReadOnlySet<string> OutputContainers,
    IReadOnlySet<string> ReservedQueues,
    IReadOnlySet<string> ReplyQueues);
