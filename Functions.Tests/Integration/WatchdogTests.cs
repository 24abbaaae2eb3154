using System.Net;
using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Tests.Integration;

/// <summary>The self-watchdog: a loop that stops beating turns /api/health 503, so the platform restarts the container.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class WatchdogTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task LoopThatHangs_TurnsHealth503_NamingTheLoop_WhileTheOthersKeepBeating()
    {
        await using var worker = await TestWorker.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["AzureFunctionsJobHost:worker:heartbeatInterval"] = "00:00:01",
            ["AzureFunctionsJobHost:worker:stuckLoopThreshold"] = "00:00:02",
        }, services => services.AddHostedService<HangingLoop>());

        Assert.Equal(HttpStatusCode.OK, (await worker.Http.GetAsync("/api/health")).StatusCode);
        await Eventually.HoldsAsync(async () => (await worker.Http.GetAsync("/api/health")).StatusCode == HttpStatusCode.ServiceUnavailable, seconds: 15);

        var body = JsonNode.Parse(await (await worker.Http.GetAsync("/api/health")).Content.ReadAsStringAsync())!;
        Assert.Equal("unhealthy", body["status"]!.GetValue<string>());
        var stuck = body["stuckLoops"]!.AsArray().Select(l => l!.GetValue<string>()).ToList();
        Assert.Equal([HangingLoop.LoopName], stuck);
    }
}
