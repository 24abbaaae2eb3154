namespace FunctionsWorker.Jobs;

/// <summary>The job record's state (README, Job lifecycle).</summary>
public enum JobState
{
    Running,
    Succeeded,
    Retrying,
    Released,
    Poisoned,

    /// <summary>Cancelled by <c>DELETE /api/jobs/{jobId}</c>: not run, or stopped with its partial outputs removed.</summary>
    Cancelled,
}
