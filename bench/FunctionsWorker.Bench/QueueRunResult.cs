namespace FunctionsWorker.Bench;

/// <summary>One batch through the queue: seconds from the first enqueue to the last record's <c>completedAt</c>, and what the records say.</summary>
internal sealed record QueueRunResult(int Jobs, double Seconds, double JobsPerSecond, double MedianQueueWaitMs, double MedianJobDurationMs, double ObservedSeconds);
