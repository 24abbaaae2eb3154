namespace FunctionsWorker.Jobs;

/// <summary>The job record's state (DESIGN.md, job lifecycle).</summary>
public enum JobState
{
    Running,
    Succeeded,
    Retrying,
    Released,
    Poisoned,
}
