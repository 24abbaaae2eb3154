using System.Globalization;
using Azure.Data.Tables;
using FunctionsWorker.Schema;

namespace FunctionsWorker.Jobs;

/// <summary>
/// Rows of the jobs table that list the records newest first without reading the whole table: one per job attempt,
/// PartitionKey <c>~t</c> + the hour bucket and RowKey the start time's ticks, both inverted so the table's own order
/// (PartitionKey, then RowKey, ascending) is newest first, then the jobId. <c>~</c> sorts after every character a jobId may
/// hold, so no record shares these partitions. Each row carries the state and pipeline to filter on; a row whose
/// record has since started again (another attempt) is stale and is dropped when a listing meets it.
/// </summary>
internal static class JobTimeIndex
{
    public const string PartitionPrefix = "~t";

    /// <summary>Just above every index partition: the end of a listing's range.</summary>
    public const string PartitionEnd = "~u";

    /// <summary>Partition of a poisoned message's pointer to its record: the lookup by poison message id is a point read.</summary>
    public const string PoisonPrefix = "~p";

    /// <summary>The column with the time a row is listed by (<see cref="ListedAt"/>), which listings filter on.</summary>
    public const string ListedAtColumn = "ListedAt";

    private const long BucketTicks = TimeSpan.TicksPerHour;

    /// <summary>The time a record is listed by: its start, or for a job cancelled before it ran, its completion.</summary>
    public static DateTimeOffset? ListedAt(JobRecord record) => record.StartedAt ?? record.CompletedAt;

    public static TableEntity? ToEntity(JobRecord record) => ListedAt(record) is { } at
        ? new TableEntity(PartitionKey(at), RowKey(at, record.JobId))
        {
            [JobRecordColumns.JobId] = record.JobId,
            [JobRecordColumns.State] = record.State.ToString(),
            [JobRecordColumns.Pipeline] = record.Pipeline,
            [ListedAtColumn] = at,
        }
        : null;

    public static string PartitionKey(DateTimeOffset at) =>
        PartitionPrefix + (Inverted(at) / BucketTicks).ToString("D12", CultureInfo.InvariantCulture);

    public static string RowKey(DateTimeOffset at, string jobId) =>
        Inverted(at).ToString("D19", CultureInfo.InvariantCulture) + "_" + jobId;

    /// <summary>Whether <paramref name="row"/> still stands for <paramref name="record"/>'s latest attempt.</summary>
    public static bool IsCurrent(TableEntity row, JobRecord record) =>
        ListedAt(record) is { } at && row.GetDateTimeOffset(ListedAtColumn) == at;

    private static long Inverted(DateTimeOffset at) => DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks;
}
