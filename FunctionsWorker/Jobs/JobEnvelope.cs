using FunctionsWorker.Errors;

namespace FunctionsWorker.Jobs;

/// <summary>
/// One delivery of a job as a trigger hands it over, whatever carried it: the delivery's id, the body text, how many
/// times it has been delivered and when it was first enqueued. <paramref name="Refusal"/> is set when the trigger
/// will not let this delivery start the job (past <c>maxDequeueCount</c>): it may still finish a job that completed.
/// </summary>
public sealed record JobEnvelope(string MessageId, string Body, long DequeueCount, DateTimeOffset? InsertedOn, WorkerException? Refusal = null);
