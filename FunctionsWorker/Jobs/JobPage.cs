namespace FunctionsWorker.Jobs;

/// <summary>A page of records newest first, and where the next page starts (the last index row read), null at the end.</summary>
public sealed record JobPage(IReadOnlyList<JobRecord> Records, JobPageToken? Next);
