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

    private readonly TableClient _table = clients.Tables.GetTableClient(options.Value.JobsTableName);

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken) => _table.CreateIfNotExistsAsync(cancellationToken);

    public async Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _table.GetEntityIfExistsAsync<TableEntity>(jobId, RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.HasValue && response.Value is { } entity ? FromEntity(entity) : null;
        }
        catch (RequestFailedException ex) when (ex.IsMissingTarget())
        {
            return null;
        }
    }

    public Task UpsertAsync(JobRecord record, CancellationToken cancellationToken) =>
        StorageErrors.CreatingIfMissingAsync(
            () => _table.UpsertEntityAsync(ToEntity(record), TableUpdateMode.Replace, cancellationToken),
            () => _table.CreateIfNotExistsAsync(cancellationToken));

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
    };
}
