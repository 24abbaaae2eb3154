using FunctionsWorker.Errors;


namespace FunctionsWorker.Jobs;

/// <summary>
/// The result of one attempt: its kind, the record as far as it got, the parsed job (null when the body could not be
/// read), and for a failure its class, error type and message.
/// </summary>
public sealed record JobOutcome(
    JobOutcomeKind Kind,
    JobRecord Record,
    JobMessage? Job,
    FailureClass? Failure = null,
    string? ErrorType = null,
    string? Error = null)
{
    /// <summary>True once this delivery holds the job's record (it claimed the jobId); only then may it write that record's state.</summary>
    public bool Claimed { get; init; }

    /// <summary>Set when the job had already succeeded with other content: this delivery's content was not run.</summary>
    public string? Ignored { get; init; }

    public static JobOutcome Failed(JobRecord record, JobMessage? job, Exception exception)
    {
        var (failure, errorType) = FailureClassifier.Classify(exception);
        // The message may repeat what a producer sent: escaped once here, it is safe in the record, reply, status and log.
        return new JobOutcome(JobOutcomeKind.Failed, record, job, failure, errorType, EchoText.Escape(exception.Message));
    }
}
