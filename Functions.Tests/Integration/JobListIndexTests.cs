using System.Text.Json.Nodes;
using Azure.Core.Pipeline;
using Functions.Tests.Fixtures;
using FunctionsWorker.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Tests.Integration;

/// <summary>
/// <c>GET /api/jobs</c> against a jobs table past the old 5000-row scan: newest first across every page, and each page a
/// bounded number of table reads whatever the table holds.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class JobListIndexTests(AzuriteFixture azurite)
{
    private const int Jobs = 5200;
    private const int Top = 500;

    [Fact]
    public async Task JobList_PastFiveThousandRecords_IsNewestFirstInEveryPage_AndEachPageReadsAtMostTopPlusOneTimes()
    {
        var table = "jobs" + Guid.NewGuid().ToString("N")[..12];
        var reads = new CountingTransport(table, azurite.Transport);
        await using var worker = await TestWorker.StartAsync(azurite, new Dictionary<string, string?> { ["JobsTableName"] = table },
            services => services.AddSingleton<HttpPipelineTransport>(reads));
        var store = worker.Services.GetRequiredService<JobRecordStore>();
        await store.CreateIfNotExistsAsync(CancellationToken.None);

        // jobIds in the order of their start, so the table's own order (by jobId) is oldest first: a scan that stops
        // after 5000 rows never sees the newest 200.
        var start = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        await Parallel.ForEachAsync(Enumerable.Range(0, Jobs), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, token) =>
            await store.UpsertAsync(Record($"job-{i:D5}", start.AddSeconds(i), i % 2 == 0 ? "even" : "odd"), token));
        // A second attempt of the oldest job starts last: listed once, first, its first attempt's place gone.
        await store.UpsertAsync(Record("job-00000", start.AddSeconds(Jobs + 10), "even"), CancellationToken.None);

        var listed = new List<string>();
        var costs = new List<(int Reads, int Records)>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var before = reads.Reads;
            var page = JsonNode.Parse(await worker.Http.GetStringAsync($"/api/jobs?top={Top}" +
                                                                     (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation))))!;
            var cost = reads.Reads - before;
            var ids = page["jobs"]!.AsArray().Select(j => j!["jobId"]!.GetValue<string>()).ToList();
            costs.Add((cost, ids.Count));
            listed.AddRange(ids);
            continuation = page["continuation"]?.GetValue<string>();
            pages++;
        }
        while (continuation is not null && pages < 20);

        var expected = new[] { "job-00000" }.Concat(Enumerable.Range(1, Jobs - 1).Reverse().Select(i => $"job-{i:D5}")).ToList();
        Assert.Equal(expected, listed);
        // One index query and one point read per record returned (plus one for the stale row met on the way).
        Assert.All(costs, page => Assert.InRange(page.Reads, page.Records + 1, Top + 2));

        var odd = JsonNode.Parse(await worker.Http.GetStringAsync("/api/jobs?top=3&pipeline=odd"))!["jobs"]!.AsArray().Select(j => j!["jobId"]!.GetValue<string>());
        Assert.Equal(["job-05199", "job-05197", "job-05195"], odd);
        var since = Uri.EscapeDataString(start.AddSeconds(Jobs - 3).ToString("O"));
        var recent = JsonNode.Parse(await worker.Http.GetStringAsync($"/api/jobs?since={since}"))!["jobs"]!.AsArray().Select(j => j!["jobId"]!.GetValue<string>());
        Assert.Equal(["job-00000", "job-05199", "job-05198", "job-05197"], recent);
    }

    private static JobRecord Record(string jobId, DateTimeOffset startedAt, string pipeline) => new()
    {
        JobId = jobId,
        State = JobState.Succeeded,
        Pipeline = pipeline,
        StartedAt = startedAt,
        CompletedAt = startedAt.AddSeconds(1),
    };
}
