namespace FunctionsWorker.Errors;

/// <summary>How a failed job is handled: the three classes of the README's job lifecycle.</summary>
public enum FailureClass
{
    /// <summary>Invalid job or rejected input: straight to poison, no retries burned.</summary>
    Permanent,

    /// <summary>Storage errors, throttling, timeouts: retried with visibility back-off until maxDequeueCount.</summary>
    Transient,

    /// <summary>The worker itself cannot run the job (model not loaded, runtime failure): released at once for another worker.</summary>
    WorkerFault,
}
