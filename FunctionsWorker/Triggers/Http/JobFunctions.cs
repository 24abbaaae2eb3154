using System.Buffers.Text;
using System.Text;
using FunctionsWorker.Jobs;
using FunctionsWorker.Schema;
using FunctionsWorker.Storage;
using FunctionsWorker.Triggers.Queue;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Triggers.Http;

/// <summary>HTTP triggers for job records: list, get (with the running worker's liveness), cancel.</summary>
public static class JobFunctions
{
    private const int DefaultTop = 50;
    private const int MaxTop = 500;

    public static RouteGroupBuilder MapJobFunctions(this RouteGroupBuilder group)
    {
        group.MapGet("/jobs", ListJobsAsync).AddEndpointFilter<FunctionKeyFilter>().AddEndpointFilter<ListLimitFilter>().WithName("ListJobs");
        group.MapGet("/jobs/{jobId}", GetJobAsync).AddEndpointFilter<FunctionKeyFilter>().WithName("GetJob");
        group.MapDelete("/jobs/{jobId}", CancelJobAsync).AddEndpointFilter<AdminKeyFilter>().WithName("CancelJob");
        return group;
    }

    internal static async Task<IResult> ListJobsAsync(
        JobLists lists, string? state, string? pipeline, DateTimeOffset? since, int? top, string? continuation, CancellationToken cancellationToken)
    {
        JobState? wanted = null;
        if (state is not null)
        {
            if (!Enum.TryParse<JobState>(state, ignoreCase: true, out var parsed))
            {
                return BadRequest($"state must be one of {string.Join(", ", Enum.GetNames<JobState>())}.");
            }

            wanted = parsed;
        }

        var count = top ?? DefaultTop;
        if (count is < 1 or > MaxTop)
        {
            return BadRequest($"top must be between 1 and {MaxTop}.");
        }

        JobPageToken? after = null;
        if (continuation is not null)
        {
            if (!TryReadContinuation(continuation, out var token))
            {
                return BadRequest("continuation is not a token this endpoint returned.");
            }

            after = token;
        }

        try
        {
            var page = await lists.GetAsync(new JobListQuery(wanted, pipeline, since, after, count), cancellationToken).ConfigureAwait(false);
            return TypedResults.Json(new JobList(page.Records, page.Next is { } next ? Continuation(next) : null), HttpJsonContext.Default.JobList);
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            return Unavailable(ex);
        }
    }

    internal static async Task<IResult> GetJobAsync(string jobId, JobRecordStore records, FleetView fleet, CancellationToken cancellationToken)
    {
        if (!JobIdRule.IsValid(jobId) && !JobIdRule.IsDeliveryKey(jobId))
        {
            return NotFound(jobId);
        }

        try
        {
            var record = await records.GetAsync(jobId, cancellationToken).ConfigureAwait(false);
            if (record is null)
            {
                return NotFound(jobId);
            }

            if (record.State == JobState.Running && record.WorkerId is { } workerId && await fleet.GetAsync(cancellationToken).ConfigureAwait(false) is { } rows)
            {
                // A job whose worker went silent comes back when its lease runs out; say so.
                var worker = rows.FirstOrDefault(r => r.WorkerId == workerId);
                record = record with { WorkerStale = worker is null || worker.Stale || worker.State == "stopped" };
            }

            return TypedResults.Json(record, HttpJsonContext.Default.JobRecord);
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            return Unavailable(ex);
        }
    }

    /// <summary>
    /// Requests cancellation: a running job stops at its next check (within half a lease), a queued one is acknowledged
    /// without running when it is fetched. Idempotent; 404 for a job neither recorded nor waiting in the queue; 409
    /// for a job that already finished.
    /// </summary>
    internal static async Task<IResult> CancelJobAsync(
        string jobId, JobRecordStore records, IMessageQueues queues, IOptions<StorageOptions> storage, IOptions<QueuesOptions> encoding,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (!JobIdRule.IsValid(jobId))
        {
            return NotFound(jobId);
        }

        try
        {
            var record = await records.GetAsync(jobId, cancellationToken).ConfigureAwait(false);
            switch (record?.State)
            {
                case JobState.Succeeded or JobState.Poisoned:
                    return TypedResults.Problem($"Job '{jobId}' already finished ({record.State}); there is nothing to cancel.",
                        statusCode: StatusCodes.Status409Conflict, title: "Job finished");
                case JobState.Cancelled:
                    return Accepted(jobId, JobState.Cancelled, "The job is cancelled.");
                case not null:
                    await records.MergeAsync(jobId, new Dictionary<string, object?> { [JobRecordColumns.CancelRequested] = true }, cancellationToken).ConfigureAwait(false);
                    return Accepted(jobId, record.State, "Cancellation requested: the job stops at its next check, within half a lease.");
            }

            if (!await WaitsInQueueAsync(jobId, queues.Get(storage.Value.JobsQueueName), encoding.Value, cancellationToken).ConfigureAwait(false))
            {
                return NotFound(jobId);
            }

            var tombstone = new JobRecord { JobId = jobId, State = JobState.Cancelled, CancelRequested = true, CompletedAt = time.GetUtcNow() };
            await records.TryReplaceAsync(tombstone, expected: null, cancellationToken).ConfigureAwait(false);
            return Accepted(jobId, JobState.Cancelled, "The job waits in the queue; it is acknowledged without running when fetched.");
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            return Unavailable(ex);
        }
    }

    /// <summary>Whether a message for <paramref name="jobId"/> is among the first visible messages of the jobs queue.</summary>
    private static async Task<bool> WaitsInQueueAsync(string jobId, IMessageQueue queue, QueuesOptions encoding, CancellationToken cancellationToken)
    {
        var waiting = await queue.PeekAsync(32, cancellationToken).ConfigureAwait(false);
        return waiting.Any(message => encoding.TryDecode(message.Text, out var body) && JobMessageParser.TryReadJobId(body) == jobId);
    }

    private static IResult Accepted(string jobId, JobState state, string detail) =>
        TypedResults.Json(new CancelReport(jobId, state.ToString(), true, detail), HttpJsonContext.Default.CancelReport, statusCode: StatusCodes.Status202Accepted);

    private static string Continuation(JobPageToken next) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(next.PartitionKey + "\n" + next.RowKey));

    private static bool TryReadContinuation(string text, out JobPageToken? token)
    {
        token = null;
        try
        {
            if (Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split('\n') is [var partitionKey, var rowKey] &&
                new JobPageToken(partitionKey, rowKey) is { IsValid: true } read)
            {
                token = read;
                return true;
            }
        }
        catch (FormatException)
        {
        }

        return false;
    }

    internal static IResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");

    internal static IResult Unavailable(Exception ex) =>
        TypedResults.Problem($"Job records are unavailable: storage answered {StorageErrors.Describe(ex)}.",
            statusCode: StatusCodes.Status503ServiceUnavailable, title: "Storage unavailable");

    private static NotFound<ProblemDetails> NotFound(string jobId) =>
        TypedResults.NotFound(new ProblemDetails { Title = "Job not found", Detail = $"No record for job '{jobId}'.", Status = StatusCodes.Status404NotFound });
}
