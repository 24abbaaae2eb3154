namespace FunctionsWorker.Jobs;

/// <summary>The job record's state (README, Job lifecycle).</summary>
public enum JobState
{
    Running,
    Succeeded,
    Retrying,
    Released,
    Poisoned,
}
