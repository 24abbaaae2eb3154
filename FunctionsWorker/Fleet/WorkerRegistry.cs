using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using FunctionsWorker.Storage;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Fleet;

/// <summary>Table <c>workers</c>: one row per worker process (partition <c>workers</c>, row key = workerId).</summary>
public sealed class WorkerRegistry(StorageClients clients, IOptions<FleetOptions> options, TimeProvider time)
{
    private const string Partition = "workers";

    // A worker is stale after this many of its own heartbeat intervals without a beat.
    private const int StaleAfterBeats = 3;

    private readonly TableClient _table = clients.Tables.GetTableClient(options.Value.WorkersTableName);

    public Task UpsertAsync(WorkerRow row, CancellationToken cancellationToken) =>
        StorageErrors.CreatingIfMissingAsync(
            () => _table.UpsertEntityAsync(ToEntity(row), TableUpdateMode.Replace, cancellationToken),
            () => _table.CreateIfMissingAsync(cancellationToken));

    /// <summary>Every worker, newest beat first, each marked stale when it has been silent too long.</summary>
    public async Task<IReadOnlyList<WorkerRow>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = new List<WorkerRow>();
        try
        {
            await foreach (var entity in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                rows.Add(FromEntity(entity));
            }
        }
        catch (RequestFailedException ex) when (ex.IsMissingTarget())
        {
            return [];
        }

        return [.. rows.OrderByDescending(r => r.LastBeatAt)];
    }

    public async Task<WorkerRow?> GetAsync(string workerId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, workerId, cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.HasValue && response.Value is { } entity ? FromEntity(entity) : null;
        }
        catch (RequestFailedException ex) when (ex.IsMissingTarget())
        {
            return null;
        }
    }

    /// <summary>Deletes rows of workers silent for longer than <paramref name="retention"/>; returns how many.</summary>
    public async Task<int> PruneAsync(TimeSpan retention, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - retention;
        var pruned = 0;
        foreach (var row in await ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (row.LastBeatAt is { } beat && beat < cutoff)
            {
                await _table.DeleteEntityAsync(Partition, row.WorkerId, ETag.All, cancellationToken).ConfigureAwait(false);
                pruned++;
            }
        }

        return pruned;
    }

    public static FleetSummary Summarize(IReadOnlyList<WorkerRow> rows) =>
        new(rows.Count(r => r.State == "ready" && !r.Stale), rows.Count(r => r.Stale), rows.Count);

    private TableEntity ToEntity(WorkerRow r) => new(Partition, r.WorkerId)
    {
        ["Host"] = r.Host,
        ["Version"] = r.Version,
        ["StartedAt"] = r.StartedAt,
        ["LastBeatAt"] = r.LastBeatAt,
        ["State"] = r.State,
        ["InFlight"] = r.InFlight,
        ["Concurrency"] = r.Concurrency,
        ["Processed"] = r.Processed,
        ["Failed"] = r.Failed,
        ["Device"] = r.Device,
        ["Models"] = JsonSerializer.Serialize([.. r.Models], FleetJsonContext.Default.WorkerModelArray),
        ["HeartbeatIntervalMs"] = r.HeartbeatIntervalMs,
    };

    private WorkerRow FromEntity(TableEntity e)
    {
        var beat = e.GetDateTimeOffset("LastBeatAt");
        var interval = TimeSpan.FromMilliseconds(e.GetInt64("HeartbeatIntervalMs") ?? 10_000);
        var state = e.GetString("State") ?? "starting";
        return new WorkerRow
        {
            WorkerId = e.RowKey,
            Host = e.GetString("Host"),
            Version = e.GetString("Version"),
            StartedAt = e.GetDateTimeOffset("StartedAt"),
            LastBeatAt = beat,
            State = state,
            InFlight = e.GetInt32("InFlight") ?? 0,
            Concurrency = e.GetInt32("Concurrency") ?? 0,
            Processed = e.GetInt64("Processed") ?? 0,
            Failed = e.GetInt64("Failed") ?? 0,
            Device = e.GetString("Device"),
            Models = e.GetString("Models") is { Length: > 0 } models
                ? JsonSerializer.Deserialize(models, FleetJsonContext.Default.WorkerModelArray) ?? []
                : [],
            HeartbeatIntervalMs = (long)interval.TotalMilliseconds,
            Stale = state != "stopped" && (beat is null || time.GetUtcNow() - beat > interval * StaleAfterBeats),
        };
    }
}
