namespace FunctionsWorker.Jobs;

/// <summary>How one attempt at a job ended, before the trigger decides what happens to its delivery.</summary>
public enum JobOutcomeKind
{
    /// <summary><c>result.json</c>, the record and the reply are written (or the job had already succeeded).</summary>
    Succeeded,

    /// <summary><c>result.json</c> is written but the record or reply is not: a redelivery finishes them, never re-runs the job.</summary>
    Unfinished,

    /// <summary>The job failed; <see cref="JobOutcome.Failure"/> says how.</summary>
    Failed,

    /// <summary>Another delivery of the same jobId holds the job and runs it: this one waits, it is neither run nor failed.</summary>
    InProgress,

    /// <summary>Cancelled on request: not run, or stopped with its partial outputs removed.</summary>
    Cancelled,

    /// <summary>Shutdown's grace ran out while the job ran: it goes back to the queue for another worker.</summary>
    Interrupted,
}
