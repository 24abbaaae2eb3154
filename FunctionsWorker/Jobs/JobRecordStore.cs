using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using FunctionsWorker.Storage;

namespace FunctionsWorker.Jobs;

/// <summary>Job records in table <c>jobs</c>: partition key = jobId, one row per job.</summary>
public sealed class JobRecordStore(StorageClients clients, IOptions<StorageOptions> options)
{
    private const string RowKey = "job";

    // Table properties hold at most 32K characters; error texts are cut well below that.
    private const int MaxErrorLength = 2048;

    /// <summary>Rows read at most by one listing.</summary>
    public const int MaxScan = 5000;

    private readonly TableClient _table = clients.Tables.GetTableClient(options.Value.JobsTableName);

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken) => _table.CreateIfMissingAsync(cancellationToken);

    public async Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken) =>
        (await GetStoredAsync(jobId, cancellationToken).ConfigureAwait(false))?.Record;

    public async Task<StoredRecord?> GetStoredAsync(string jobId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _table.GetEntityIfExistsAsync<TableEntity>(jobId, RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
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
        var entity = new TableEntity(jobId, RowKey);
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
    /// <paramref name="before"/> continues a listing after the last record of the previous page. Bounded: at most
    /// <see cref="MaxScan"/> rows are read per call.
    /// </summary>
    public async Task<IReadOnlyList<JobRecord>> ListAsync(JobState? state, string? pipeline, DateTimeOffset? since, DateTimeOffset? before, int top,
        CancellationToken cancellationToken)
    {
        var filters = new List<string> { TableClient.CreateQueryFilter($"RowKey eq {RowKey}") };
        if (state is { } s)
        {
            filters.Add(TableClient.CreateQueryFilter($"State eq {s.ToString()}"));
        }

        if (pipeline is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"Pipeline eq {pipeline}"));
        }

        if (since is { } from)
        {
            filters.Add(TableClient.CreateQueryFilter($"StartedAt ge {from}"));
        }

        if (before is { } until)
        {
            filters.Add(TableClient.CreateQueryFilter($"StartedAt lt {until}"));
        }

        var found = new List<JobRecord>();
        try
        {
            await foreach (var entity in _table.QueryAsync<TableEntity>(string.Join(" and ", filters), cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                found.Add(FromEntity(entity));
                if (found.Count >= MaxScan)
                {
                    break;
                }
            }
        }
        catch (RequestFailedException ex) when (ex.IsMissingTarget())
        {
            return [];
        }

        return [.. found.OrderByDescending(r => r.StartedAt).ThenBy(r => r.JobId, StringComparer.Ordinal).Take(top)];
    }

    /// <summary>The record of the message now in the poison queue under <paramref name="poisonMessageId"/>.</summary>
    public async Task<JobRecord?> FindByPoisonMessageIdAsync(string poisonMessageId, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var entity in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PoisonMessageId eq {poisonMessageId}"), maxPerPage: 1,
                               cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                return FromEntity(entity);
            }
        }
        catch (RequestFailedException ex) when (ex.IsMissingTarget())
        {
        }

        return null;
    }

    public Task UpsertAsync(JobRecord record, CancellationToken cancellationToken) =>
        StorageErrors.CreatingIfMissingAsync(
            () => _table.UpsertEntityAsync(ToEntity(record), TableUpdateMode.Replace, cancellationToken),
            () => _table.CreateIfMissingAsync(cancellationToken));

    private static TableEntity ToEntity(JobRecord r) => new(r.JobId, RowKey)
    {
        ["Pipeline"] = r.Pipeline,
        ["State"] = r.State.ToString(),
        ["Attempt"] = r.Attempt,
        ["MessageId"] = r.MessageId,
        ["WorkerId"] = r.WorkerId,
        ["EnqueuedAt"] = r.EnqueuedAt,
        ["StartedAt"] = r.StartedAt,
        ["CompletedAt"] = r.CompletedAt,
        ["QueueWaitMs"] = r.QueueWaitMs,
        ["DurationMs"] = r.DurationMs,
        ["InputUri"] = r.InputUri,
        ["OutputUri"] = r.OutputUri,
        ["ErrorType"] = r.ErrorType,
        ["ErrorMessage"] = r.ErrorMessage is { Length: > MaxErrorLength } e ? e[..MaxErrorLength] + "…" : r.ErrorMessage,
        ["Permanent"] = r.Permanent,
        ["ContentHash"] = r.ContentHash,
        ["ProgressStage"] = r.ProgressStage,
        ["ProgressFraction"] = r.ProgressFraction,
        ["ProgressMessage"] = r.ProgressMessage,
        ["CancelRequested"] = r.CancelRequested,
        ["Replays"] = r.Replays,
        ["PoisonMessageId"] = r.PoisonMessageId,
        ["ReplayedPoisonMessageId"] = r.ReplayedPoisonMessageId,
        ["Note"] = r.Note is { Length: > MaxErrorLength } n ? n[..MaxErrorLength] + "…" : r.Note,
    };

    private static JobRecord FromEntity(TableEntity e) => new()
    {
        JobId = e.PartitionKey,
        Pipeline = e.GetString("Pipeline"),
        State = Enum.TryParse<JobState>(e.GetString("State"), out var state) ? state : JobState.Running,
        Attempt = e.GetInt64("Attempt") ?? 0,
        MessageId = e.GetString("MessageId"),
        WorkerId = e.GetString("WorkerId"),
        EnqueuedAt = e.GetDateTimeOffset("EnqueuedAt"),
        StartedAt = e.GetDateTimeOffset("StartedAt"),
        CompletedAt = e.GetDateTimeOffset("CompletedAt"),
        QueueWaitMs = e.GetInt64("QueueWaitMs"),
        DurationMs = e.GetInt64("DurationMs"),
        InputUri = e.GetString("InputUri"),
        OutputUri = e.GetString("OutputUri"),
        ErrorType = e.GetString("ErrorType"),
        ErrorMessage = e.GetString("ErrorMessage"),
        Permanent = e.GetBoolean("Permanent") ?? false,
        ContentHash = e.GetString("ContentHash"),
        ProgressStage = e.GetString("ProgressStage"),
        ProgressFraction = e.GetDouble("ProgressFraction"),
        ProgressMessage = e.GetString("ProgressMessage"),
        CancelRequested = e.GetBoolean("CancelRequested") ?? false,
        Replays = e.GetInt32("Replays") ?? 0,
        PoisonMessageId = e.GetString("PoisonMessageId"),
        ReplayedPoisonMessageId = e.GetString("ReplayedPoisonMessageId"),
        Note = e.GetString("Note"),
    };
}
