using System.Text.Json;

namespace FunctionsWorker.Schema;

/// <summary>
/// The columns of a job record in table <c>jobs</c>, named once for the worker that writes them, fwjobs that reads
/// them and the JSON of <c>/api/jobs</c> that the dashboard reads (the same names in camelCase, <see cref="JsonName"/>).
/// </summary>
public static class JobRecordColumns
{
    public const string JobId = nameof(JobId);
    public const string Pipeline = nameof(Pipeline);
    public const string State = nameof(State);
    public const string Attempt = nameof(Attempt);
    public const string MessageId = nameof(MessageId);
    public const string WorkerId = nameof(WorkerId);
    public const string EnqueuedAt = nameof(EnqueuedAt);
    public const string StartedAt = nameof(StartedAt);
    public const string CompletedAt = nameof(CompletedAt);
    public const string QueueWaitMs = nameof(QueueWaitMs);
    public const string DurationMs = nameof(DurationMs);
    public const string InputUri = nameof(InputUri);
    public const string OutputUri = nameof(OutputUri);
    public const string ErrorType = nameof(ErrorType);
    public const string ErrorMessage = nameof(ErrorMessage);
    public const string Permanent = nameof(Permanent);
    public const string ContentHash = nameof(ContentHash);
    public const string ProgressStage = nameof(ProgressStage);
    public const string ProgressFraction = nameof(ProgressFraction);
    public const string ProgressMessage = nameof(ProgressMessage);
    public const string CancelRequested = nameof(CancelRequested);
    public const string Replays = nameof(Replays);
    public const string PoisonMessageId = nameof(PoisonMessageId);
    public const string ReplayedPoisonMessageId = nameof(ReplayedPoisonMessageId);
    public const string Note = nameof(Note);

    /// <summary>A column's name in the JSON of the HTTP triggers (the web defaults: camelCase).</summary>
    public static string JsonName(string column) => JsonNamingPolicy.CamelCase.ConvertName(column);
}
