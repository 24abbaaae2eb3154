namespace FunctionsWorker.Jobs;

/// <summary>
/// One delivery of a job as a trigger hands it over, whatever carried it: the delivery's id, the body text, how many
/// times it has been delivered and when it was first enqueued.
/// </summary>
public sealed record JobEnvelope(string MessageId, string Body, long DequeueCount, DateTimeOffset? InsertedOn);
