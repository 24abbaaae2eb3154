using System.Collections.Concurrent;
using FunctionsWorker.Jobs;
using FunctionsWorker.Storage;

namespace FunctionsWorker.Triggers.Http;

/// <summary>
/// The pages of <c>GET /api/jobs</c>, each read from storage at most four times a second whatever the request rate, every
/// request for the same page in between sharing the one read (a listing may be up to 250 ms old), as
/// <see cref="StatusReports"/> does for the status.
/// </summary>
internal sealed class JobLists(JobRecordStore records, TimeProvider time)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromMilliseconds(250);

    // Distinct questions kept at most; past that the table starts again, so odd queries cannot grow it.
    private const int MaxQueries = 64;

    private readonly ConcurrentDictionary<JobListQuery, SharedRefresh<JobPage>> _pages = new();

    public Task<JobPage> GetAsync(JobListQuery query, CancellationToken cancellationToken)
    {
        if (_pages.Count >= MaxQueries)
        {
            _pages.Clear();
        }

        // Shared by many requests: the read is bounded by the storage client's own timeouts, not by one caller's cancellation.
        return _pages.GetOrAdd(query, q => new SharedRefresh<JobPage>(
                () => records.ListAsync(q.State, q.Pipeline, q.Since, q.After, q.Top, CancellationToken.None), Freshness, time))
            .GetAsync(cancellationToken);
    }
}
