using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using FunctionsWorker.Schema;
using static FunctionsWorker.Schema.JobRecordColumns;

namespace FunctionsWorker.Cli;

/// <summary>
/// Follows one job through its record (table row PartitionKey = jobId, RowKey <c>job</c>) until <c>result.json</c>
/// appears (succeeded), the record says <c>Poisoned</c> or <c>Cancelled</c>, or the time is up; every change of state,
/// attempt, progress or cancellation request is reported once.
/// </summary>
internal sealed class JobWatcher(TableClient records, BlobClient result, Reporter reporter)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public async Task<int> WatchAsync(string jobId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string? reported = null;
        var lastState = "Queued";
        while (true)
        {
            var record = await GetRecordAsync(jobId, cancellationToken);
            if (record is not null)
            {
                var state = record.GetString(State) ?? "Running";
                var progress = Progress(record);
                var key = $"{state}|{record.GetInt64(Attempt)}|{progress}|{record.GetBoolean(CancelRequested)}";
                if (key != reported && state != "Succeeded")
                {
                    reported = key;
                    Report(jobId, state, record, clock.Elapsed);
                }

                lastState = state;
                switch (state)
                {
                    case "Poisoned":
                        return ExitCodes.JobFailed;
                    case "Cancelled":
                        return ExitCodes.Cancelled;
                }
            }

            if ((await result.ExistsAsync(cancellationToken)).Value)
            {
                var content = (await result.DownloadContentAsync(cancellationToken)).Value.Content.ToString();
                Report(jobId, "Succeeded", record, clock.Elapsed);
                PrintResult(content);
                return ExitCodes.Succeeded;
            }

            if (clock.Elapsed >= timeout)
            {
                throw new CliException(ExitCodes.Timeout, $"job {jobId}: no outcome after {timeout.TotalSeconds:F0} s (last state: {lastState}).");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private async Task<TableEntity?> GetRecordAsync(string jobId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await records.GetEntityIfExistsAsync<TableEntity>(jobId, JobRecordKeys.RowKey, cancellationToken: cancellationToken);
            return response.HasValue ? response.Value : null;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No table yet: the worker creates it with the first record.
            return null;
        }
    }

    /// <summary>
    /// The record's progress columns (<c>ProgressStage</c>, <c>ProgressFraction</c>, <c>ProgressMessage</c>) as
    /// <c>stage 40% message</c>; null when the pipeline reported none.
    /// </summary>
    public static string? Progress(TableEntity? record) =>
        HumanFormat.Progress(record?.GetString(ProgressStage), record?.GetDouble(ProgressFraction), record?.GetString(ProgressMessage));

    private void Report(string jobId, string state, TableEntity? record, TimeSpan elapsed)
    {
        var attempt = record?.GetInt64(Attempt);
        var errorType = record?.GetString(ErrorType);
        var errorMessage = record?.GetString(ErrorMessage);
        var progress = state == "Running" ? Progress(record) : null;
        var cancelRequested = record?.GetBoolean(CancelRequested) == true;
        var text = state switch
        {
            "Running" => $"job {jobId}: running (attempt {attempt}, worker {record?.GetString(WorkerId)})" +
                (progress is null ? "" : $", {progress}") + (cancelRequested ? ", cancellation requested" : ""),
            "Succeeded" => $"job {jobId}: succeeded after {elapsed.TotalSeconds:F1} s",
            "Cancelled" => $"job {jobId}: cancelled" + (attempt is > 0 ? $" during attempt {attempt}" : " before it ran"),
            "Retrying" or "Released" or "Poisoned" => $"job {jobId}: {state.ToLowerInvariant()} after attempt {attempt}: {errorType}: {errorMessage}",
            _ => $"job {jobId}: {state.ToLowerInvariant()} (attempt {attempt})",
        };
        reporter.Event(text, new JsonObject
        {
            [JsonName(JobId)] = jobId,
            [JsonName(State)] = state,
            [JsonName(Attempt)] = attempt,
            [JsonName(WorkerId)] = record?.GetString(WorkerId),
            [JsonName(ProgressStage)] = state == "Running" ? record?.GetString(ProgressStage) : null,
            [JsonName(ProgressFraction)] = state == "Running" ? record?.GetDouble(ProgressFraction) : null,
            [JsonName(ProgressMessage)] = state == "Running" ? record?.GetString(ProgressMessage) : null,
            [JsonName(CancelRequested)] = cancelRequested,
            [JsonName(ErrorType)] = errorType,
            [JsonName(ErrorMessage)] = errorMessage,
            ["elapsedMs"] = (long)elapsed.TotalMilliseconds,
        });
    }

    private static void PrintResult(string content)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(content);
        }
        catch (JsonException)
        {
            node = null;
        }

        if (node is null)
        {
            Reporter.Result(content);
        }
        else
        {
            Reporter.Result(node);
        }
    }
}
