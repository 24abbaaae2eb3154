using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Http.HttpResults;
using FunctionsWorker.Jobs;
using FunctionsWorker.Storage;

namespace FunctionsWorker.Triggers.Http;

/// <summary>HTTP trigger <c>GET /api/jobs/{jobId}</c>: a job's record.</summary>
public static class JobFunctions
{
    public static RouteGroupBuilder MapJobFunctions(this RouteGroupBuilder group)
    {
        group.MapGet("/jobs/{jobId}", GetJobAsync).AddEndpointFilter<FunctionKeyFilter>().WithName("GetJob");
        return group;
    }

    internal static async Task<Results<Ok<JobRecord>, NotFound<ProblemDetails>, ProblemHttpResult>> GetJobAsync(
        string jobId, JobRecordStore records, CancellationToken cancellationToken)
    {
        if (!JobMessageParser.IsValidJobId(jobId))
        {
            return NotFound(jobId);
        }

        try
        {
            var record = await records.GetAsync(jobId, cancellationToken).ConfigureAwait(false);
            return record is null ? NotFound(jobId) : TypedResults.Ok(record);
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex))
        {
            return TypedResults.Problem($"Job records are unavailable: storage answered {StorageErrors.Describe(ex)}.",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Storage unavailable");
        }
    }

    private static NotFound<ProblemDetails> NotFound(string jobId) =>
        TypedResults.NotFound(new ProblemDetails { Title = "Job not found", Detail = $"No record for job '{jobId}'.", Status = StatusCodes.Status404NotFound });
}
