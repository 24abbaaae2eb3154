namespace FunctionsWorker.Chaos;

/// <summary>One run of a pipeline for a job, read from a worker's log (event 100 "Job {JobId} Running") and how it ended.</summary>
internal sealed class JobRun(string worker, DateTimeOffset at, string jobId, string messageId, int dequeueCount)
{
    public string Worker { get; } = worker;

    public DateTimeOffset At { get; } = at;

    public string JobId { get; } = jobId;

    public string MessageId { get; } = messageId;

    public int DequeueCount { get; } = dequeueCount;

    /// <summary>"succeeded", the failure's next state and type, "released at shutdown", or how the process ended.</summary>
    public string Ending { get; set; } = "unknown";

    public bool LeaseLost { get; set; }
}
