using System.Globalization;
using FunctionsWorker.Storage;
using FunctionsWorker.Triggers.Http;
using FunctionsWorker.Jobs;
using FunctionsWorker.Triggers.Queue;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.FunctionsHost;

/// <summary>Job records (list, get, cancel) as Functions HTTP triggers, answered by the self-hosted worker's handlers.</summary>
public sealed class JobHttpFunctions(
    JobRecordStore records, FleetView fleet, IMessageQueues queues, IOptions<StorageOptions> storage, IOptions<QueuesOptions> encoding, TimeProvider time,
    IServiceProvider services)
{
    // Resolved here: JobLists is internal to the worker, and a public function class cannot take it in its constructor.
    private readonly JobLists _lists = services.GetRequiredService<JobLists>();

    [Function("ListJobs")]
    public Task<IResult> ListAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = "jobs")] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = request.Query;
        DateTimeOffset? since = null;
        if (query["since"].ToString() is { Length: > 0 } sinceText)
        {
            if (!DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return Task.FromResult(JobFunctions.BadRequest("since must be a date and time."));
            }

            since = parsed;
        }

        int? top = null;
        if (query["top"].ToString() is { Length: > 0 } topText)
        {
            if (!int.TryParse(topText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
            {
                return Task.FromResult(JobFunctions.BadRequest("top must be a whole number."));
            }

            top = parsed;
        }

        return JobFunctions.ListJobsAsync(_lists, HttpQuery.Optional(query["state"]), HttpQuery.Optional(query["pipeline"]), since, top, HttpQuery.Optional(query["continuation"]), cancellationToken);
    }

    [Function("GetJob")]
    public Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "jobs/{jobId}")] HttpRequest request, string jobId, CancellationToken cancellationToken) =>
        JobFunctions.GetJobAsync(jobId, records, fleet, cancellationToken);

    [Function("CancelJob")]
    public Task<IResult> CancelAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "delete", Route = "jobs/{jobId}")] HttpRequest request, string jobId, CancellationToken cancellationToken) =>
        JobFunctions.CancelJobAsync(jobId, records, queues, storage, encoding, time, cancellationToken);
}
