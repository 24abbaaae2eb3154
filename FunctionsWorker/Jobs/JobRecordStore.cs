using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using FunctionsWorker.Storage;
using FunctionsWorker.Schema;

namespace FunctionsWorker.Jobs;

/// <summary>
/// Job records in table <c>jobs</c>: partition key = jobId, one row per job; beside them the rows of
/// <see cref="JobTimeIndex"/>, which list them newest first, and each poisoned message's pointer to its record.
/// </summary>
public sealed class JobRecordStore(StorageClients clients, IOptions<StorageOptions> options, ILogger<JobRecordStore> logger)
{
    // Table properties hold at most 32K characters; error texts are cut well below that.
    private const int MaxErrorLength = 2048;

    /// <summary>Index rows read at most by one listing: one table page, whatever the table holds.</summary>
    public const int MaxScan = 1000;

    // Record reads at once while a page is filled in.
    private const int ParallelReads = 16;

    private readonly TableClient _table = clients.Tables.GetTableClient(options.Value.JobsTableName);

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken) => _table.CreateIfMissingAsync(cancellationToken);

    public async Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken) =>
        (await GetStoredAsync(jobId, cancellationToken).ConfigureAwait(false))?.Record;

    public async Task<StoredRecord?> GetStoredAsync(string jobId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _table.GetEntityIfExistsAsync<TableEntity>(jobId, JobRecordKeys.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.HasValue && response.Value is { } entity ? new StoredRecord(FromEntity(entity), entity.ETag) : null;
        }
        catch (RequestFailedException ex) when (ex.IsMissingTarget())
        {
            return null;
        }
    }

    /// <summary>
    /// Writes <paramref name="record"/> only if the stored one is still the one read (<paramref name="expected"/>, or no
    /// record at all when null): false when another writer got there first.
    /// </summary>
    public async Task<bool> TryReplaceAsync(JobRecord record, ETag? expected, CancellationToken cancellationToken)
    {
        try
        {
            if (expected is { } etag)
            {
                await _table.UpdateEntityAsync(ToEntity(record), etag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await StorageErrors.CreatingIfMissingAsync(
                    () => _table.AddEntityAsync(ToEntity(record), cancellationToken),
                    () => _table.CreateIfMissingAsync(cancellationToken)).ConfigureAwait(false);
            }

            await IndexAsync(record, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
    }

    /// <summary>Sets only the given properties of an existing record (progress, a cancellation request, a note).</summary>
    public async Task<bool> MergeAsync(string jobId, IReadOnlyDictionary<string, object?> properties, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(jobId, JobRecordKeys.RowKey);
        foreach (var (name, value) in properties)
        {
            entity[name] = value;
        }

        try
        {
            await _table.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>
    /// Records newest first (by start time), filtered by state, pipeline and start time, at most <paramref name="top"/>;
    /// <paramref name="after"/> continues a listing. Bounded whatever the table size: at most <see cref="MaxScan"/> index
    /// rows (one table page) and <paramref name="top"/> record reads. A page may hold fewer than <paramref name="top"/>
    /// records and still have a next one: the listing ends when <see cref="JobPage.Next"/> is null.
    /// </summary>
    public async Task<JobPage> ListAsync(JobState? state, string? pipeline, DateTimeOffset? since, JobPageToken? after, int top,
        CancellationToken cancellationToken)
    {
        var filters = new List<string>
        {
            after is null
                ? TableClient.CreateQueryFilter($"PartitionKey ge {JobTimeIndex.PartitionPrefix}")
                : TableClient.CreateQueryFilter($"((PartitionKey eq {after.PartitionKey} and RowKey gt {after.RowKey}) or PartitionKey gt {after.PartitionKey})"),
            TableClient.CreateQueryFilter($"PartitionKey lt {(since is { } from ? JobTimeIndex.PartitionKey(from) + "~" : JobTimeIndex.PartitionEnd)}"),
        };
        if (state is { } s)
        {
            filters.Add(TableClient.CreateQueryFilter($"State eq {s.ToString()}"));
        }

        if (pipeline is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"Pipeline eq {pipeline}"));
        }

        if (since is { } start)
        {
            filters.Add(TableClient.CreateQueryFilter($"ListedAt ge {start}"));
        }

        var rows = new List<TableEntity>();
        string? more;
        try
        {
            var page = await _table.QueryAsync<TableEntity>(string.Join(" and ", filters), maxPerPage: Math.Min(MaxScan, top), cancellationToken: cancellationToken)
                .AsPages().FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            rows.AddRange(page?.Values.Take(top) ?? []);
            more = page?.ContinuationToken;
        }
        catch (RequestFailedException ex) when (ex.IsMissingTarget())
        {
            return new JobPage([], null);
        }

        var records = new JobRecord?[rows.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, rows.Count), new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
            async (i, token) => records[i] = await CurrentAsync(rows[i], token).ConfigureAwait(false)).ConfigureAwait(false);
        var next = more is not null || rows.Count == top && rows.Count > 0 ? new JobPageToken(rows[^1].PartitionKey, rows[^1].RowKey) : null;
        return new JobPage([.. records.OfType<JobRecord>().Where(r => (state is null || r.State == state) && (pipeline is null || r.Pipeline == pipeline))], next);
    }

    /// <summary>
    /// Notes that the record's message now sits in the poison queue under <paramref name="poisonMessageId"/>, and writes the
    /// pointer that finds the record by that id with a point read.
    /// </summary>
    public async Task MarkPoisonedAsync(string jobId, string poisonMessageId, CancellationToken cancellationToken)
    {
        await MergeAsync(jobId, new Dictionary<string, object?> { [JobRecordColumns.PoisonMessageId] = poisonMessageId }, cancellationToken).ConfigureAwait(false);
        await _table.UpsertEntityAsync(new TableEntity(JobTimeIndex.PoisonPrefix + poisonMessageId, JobRecordKeys.RowKey) { [JobRecordColumns.JobId] = jobId }, TableUpdateMode.Replace,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The record of the message now in the poison queue under <paramref name="poisonMessageId"/>: two point reads.</summary>
    public async Task<JobRecord?> FindByPoisonMessageIdAsync(string poisonMessageId, CancellationToken cancellationToken)
    {
        try
        {
            var pointer = await _table.GetEntityIfExistsAsync<TableEntity>(JobTimeIndex.PoisonPrefix + poisonMessageId, JobRecordKeys.RowKey, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return pointer.HasValue && pointer.Value?.GetString(JobRecordColumns.JobId) is { } jobId ? await GetAsync(jobId, cancellationToken).ConfigureAwait(false) : null;
        }
        catch (RequestFailedException ex) when (ex.IsMissingTarget())
        {
            return null;
        }
    }

    public async Task UpsertAsync(JobRecord record, CancellationToken cancellationToken)
    {
        await StorageErrors.CreatingIfMissingAsync(
            () => _table.UpsertEntityAsync(ToEntity(record), TableUpdateMode.Replace, cancellationToken),
            () => _table.CreateIfMissingAsync(cancellationToken)).ConfigureAwait(false);
        await IndexAsync(record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the record's index row after the record itself. A failed write leaves the record out of listings until
    /// its next state change; it never fails the write of the record, which is the one that counts.
    /// </summary>
    private async Task IndexAsync(JobRecord record, CancellationToken cancellationToken)
    {
        if (JobTimeIndex.ToEntity(record) is not { } row)
        {
            return;
        }

        try
        {
            await _table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            Log.IndexWriteFailed(logger, record.JobId, StorageErrors.Describe(ex));
        }
    }

    /// <summary>The record an index row stands for, or null when the row is stale (then it is deleted: the record moved on).</summary>
    private async Task<JobRecord?> CurrentAsync(TableEntity row, CancellationToken cancellationToken)
    {
        var record = row.GetString(JobRecordColumns.JobId) is { } jobId ? await GetAsync(jobId, cancellationToken).ConfigureAwait(false) : null;
        if (record is not null && JobTimeIndex.IsCurrent(row, record))
        {
            return record;
        }

        try
        {
            await _table.DeleteEntityAsync(row, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            // Another listing removed it first, or storage failed: either way the next listing tries again.
            Log.IndexWriteFailed(logger, row.GetString(JobRecordColumns.JobId) ?? row.RowKey, StorageErrors.Describe(ex));
        }

        return null;
    }

    private static TableEntity ToEntity(JobRecord r) => new(r.JobId, JobRecordKeys.RowKey)
    {
        [JobRecordColumns.Pipeline] = r.Pipeline,
        [JobRecordColumns.State] = r.State.ToString(),
        [JobRecordColumns.Attempt] = r.Attempt,
        [JobRecordColumns.MessageId] = r.MessageId,
        [JobRecordColumns.WorkerId] = r.WorkerId,
        [JobRecordColumns.EnqueuedAt] = r.EnqueuedAt,
        [JobRecordColumns.StartedAt] = r.StartedAt,
        [JobRecordColumns.CompletedAt] = r.CompletedAt,
        [JobRecordColumns.QueueWaitMs] = r.QueueWaitMs,
        [JobRecordColumns.DurationMs] = r.DurationMs,
        [JobRecordColumns.InputUri] = r.InputUri,
        [JobRecordColumns.OutputUri] = r.OutputUri,
        [JobRecordColumns.ErrorType] = r.ErrorType,
        [JobRecordColumns.ErrorMessage] = Clip(r.ErrorMessage),
        [JobRecordColumns.Permanent] = r.Permanent,
        [JobRecordColumns.ContentHash] = r.ContentHash,
        [JobRecordColumns.ProgressStage] = r.ProgressStage,
        [JobRecordColumns.ProgressFraction] = r.ProgressFraction,
        [JobRecordColumns.ProgressMessage] = r.ProgressMessage,
        [JobRecordColumns.CancelRequested] = r.CancelRequested,
        [JobRecordColumns.Replays] = r.Replays,
        [JobRecordColumns.PoisonMessageId] = r.PoisonMessageId,
        [JobRecordColumns.ReplayedPoisonMessageId] = r.ReplayedPoisonMessageId,
        [JobRecordColumns.Note] = Clip(r.Note),
    };

    /// <summary>Free text cut to <see cref="MaxErrorLength"/>, so a long message cannot push the entity past the table's size limit.</summary>
    private static string? Clip(string? text) => text is { Length: > MaxErrorLength } ? text[..MaxErrorLength] + "…" : text;

    private static JobRecord FromEntity(TableEntity e) => new()
    {
        JobId = e.PartitionKey,
        Pipeline = e.GetString(JobRecordColumns.Pipeline),
        State = Enum.TryParse<JobState>(e.GetString(JobRecordColumns.State), out var state) ? state : JobState.Running,
        Attempt = e.GetInt64(JobRecordColumns.Attempt) ?? 0,
        MessageId = e.GetString(JobRecordColumns.MessageId),
        WorkerId = e.GetString(JobRecordColumns.WorkerId),
        EnqueuedAt = e.GetDateTimeOffset(JobRecordColumns.EnqueuedAt),
        StartedAt = e.GetDateTimeOffset(JobRecordColumns.StartedAt),
        CompletedAt = e.GetDateTimeOffset(JobRecordColumns.CompletedAt),
        QueueWaitMs = e.GetInt64(JobRecordColumns.QueueWaitMs),
        DurationMs = e.GetInt64(JobRecordColumns.DurationMs),
        InputUri = e.GetString(JobRecordColumns.InputUri),
        OutputUri = e.GetString(JobRecordColumns.OutputUri),
        ErrorType = e.GetString(JobRecordColumns.ErrorType),
        ErrorMessage = e.GetString(JobRecordColumns.ErrorMessage),
        Permanent = e.GetBoolean(JobRecordColumns.Permanent) ?? false,
        ContentHash = e.GetString(JobRecordColumns.ContentHash),
        ProgressStage = e.GetString(JobRecordColumns.ProgressStage),
        ProgressFraction = e.GetDouble(JobRecordColumns.ProgressFraction),
        ProgressMessage = e.GetString(JobRecordColumns.ProgressMessage),
        CancelRequested = e.GetBoolean(JobRecordColumns.CancelRequested) ?? false,
        Replays = e.GetInt32(JobRecordColumns.Replays) ?? 0,
        PoisonMessageId = e.GetString(JobRecordColumns.PoisonMessageId),
        ReplayedPoisonMessageId = e.GetString(JobRecordColumns.ReplayedPoisonMessageId),
        Note = e.GetString(JobRecordColumns.Note),
    };
}
