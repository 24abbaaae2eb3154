namespace FunctionsWorker.Chaos;

/// <summary>One sample of the worker: from /proc/&lt;pid&gt;/status and /proc/&lt;pid&gt;/fd, and from its /api/status.</summary>
internal sealed record ProcessSample(
    TimeSpan At,
    long JobsSucceeded,
    long RssBytes,
    long RssAnonBytes,
    int Threads,
    int OpenFiles,
    long WorkingSetBytes,
    long ManagedHeapBytes);
