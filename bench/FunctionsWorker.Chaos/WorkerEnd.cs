namespace FunctionsWorker.Chaos;

/// <summary>How one incarnation of a worker process ended.</summary>
internal enum WorkerEnd
{
    /// <summary>Still running.</summary>
    Running,

    /// <summary>kill -9 by the harness.</summary>
    Killed,

    /// <summary>SIGTERM by the harness, exited by itself.</summary>
    Terminated,

    /// <summary>SIGTERM by the harness, still running after its budget: killed (a defect).</summary>
    TerminateTimedOut,

    /// <summary>Exited without being told to (a defect).</summary>
    Crashed,
}
