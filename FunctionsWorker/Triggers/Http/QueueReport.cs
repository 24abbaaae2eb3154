namespace FunctionsWorker.Triggers.Http;

/// <summary><c>/api/status</c> <c>queue</c>: approximate lengths of the jobs queue and its poison queue (null when storage did not answer in time).</summary>
public sealed record QueueReport(string Name, int? Length, string? PoisonName, int? PoisonLength);
