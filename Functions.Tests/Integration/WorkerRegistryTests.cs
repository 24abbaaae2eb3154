using FunctionsWorker.Fleet;
using FunctionsWorker.Storage;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Integration;

/// <summary>Table <c>workers</c> on Azurite, on a fake clock: stale after three missed beats, pruned after the retention.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class WorkerRegistryTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task SilentWorker_TurnsStale_AfterThreeBeats_AndIsPrunedAfterTheRetention_StoppedOneIsNeverStale()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var clients = new StorageClients(Options.Create(new StorageOptions { AzureWebJobsStorage = azurite.ConnectionString }), transport: azurite.Transport);
        var registry = new WorkerRegistry(clients, Options.Create(new FleetOptions { WorkersTableName = "workers" + Guid.NewGuid().ToString("N")[..10] }), time);
        await registry.UpsertAsync(Row("silent", "ready", time), CancellationToken.None);
        await registry.UpsertAsync(Row("stopped", "stopped", time), CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.All(await registry.ListAsync(CancellationToken.None), row => Assert.False(row.Stale));

        time.Advance(TimeSpan.FromSeconds(2));
        var rows = await registry.ListAsync(CancellationToken.None);
        Assert.True(rows.Single(r => r.WorkerId == "silent").Stale);
        Assert.False(rows.Single(r => r.WorkerId == "stopped").Stale);
        Assert.Equal(new FleetSummary(0, 1, 2), WorkerRegistry.Summarize(rows));

        Assert.Equal(0, await registry.PruneAsync(TimeSpan.FromHours(1), CancellationToken.None));
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(2, await registry.PruneAsync(TimeSpan.FromHours(1), CancellationToken.None));
        Assert.Empty(await registry.ListAsync(CancellationToken.None));
    }

    private static WorkerRow Row(string id, string state, TimeProvider time) => new()
    {
        WorkerId = id,
        State = state,
        LastBeatAt = time.GetUtcNow(),
        HeartbeatIntervalMs = 10_000,
        Models = [new WorkerModel("ocr-det", "Ready")],
    };
}
