namespace FunctionsWorker.Schema;

/// <summary>Where a job record sits in table <c>jobs</c>, for the worker that writes it and fwjobs that reads it.</summary>
public static class JobRecordKeys
{
    /// <summary>The row key of every record; the partition key is the jobId.</summary>
    public const string RowKey = "job";
}
