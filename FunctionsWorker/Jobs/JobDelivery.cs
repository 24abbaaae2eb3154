using FunctionsWorker.Errors;

namespace FunctionsWorker.Jobs;

/// <summary>
/// A delivery with its body read once (<see cref="JobMessageParser.Read"/>) and passed along from there, so no later
/// step parses it again: the job when the body is valid, else <see cref="Invalid"/>; the body's valid
/// <see cref="JobId"/> even when the rest is not (its record is then found by it) and its trace context.
/// </summary>
public sealed record JobDelivery(JobEnvelope Envelope, JobMessage? Job, InvalidJobException? Invalid, string? JobId, string? TraceParent);
