using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;

namespace Functions.Tests.EndToEnd;

/// <summary>Several real worker processes on one model cache directory: each model is downloaded once between them.</summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class SharedModelCacheProcessTests(AzuriteFixture azurite)
{
    private const int Workers = 3;

    [Fact]
    public async Task ThreeWorkersOnOneCache_FetchABigModelOnce_AndAllBecomeReady()
    {
        var big = "shared" + Guid.NewGuid().ToString("N")[..8];
        // A valid model with a large unused initializer, so the download lasts long enough for the workers to overlap.
        var model = new OnnxModelWriter()
            .Input("x", OnnxModelWriter.ImageShape)
            .Initializer("ballast", new float[32 * 1024 * 1024], 32 * 1024 * 1024)
            .Node("Identity", ["x"], ["y"])
            .Output("y", OnnxModelWriter.ImageShape)
            .ToBytes();
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(model));
        var cache = Directory.CreateTempSubdirectory("shared-cache-").FullName;
        var queue = new JobQueue(azurite.ConnectionString, "shared-" + Guid.NewGuid().ToString("N")[..8], "shared" + Guid.NewGuid().ToString("N")[..10]);
        await queue.UploadAsync("models", $"{big}.onnx", model);
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["JobsQueueName"] = queue.Queue.Name,
            ["JobsTableName"] = "shared" + Guid.NewGuid().ToString("N")[..10],
            ["Inference:ModelCacheDirectory"] = cache,
            [$"Models:{big}:Source"] = $"blob://models/{big}.onnx",
            [$"Models:{big}:Sha256"] = sha256,
            ["AzureFunctionsJobHost:worker:warmup:retryMinimum"] = "00:00:00.250",
            ["AzureFunctionsJobHost:worker:warmup:retryMaximum"] = "00:00:01",
        };

        var workers = Enumerable.Range(0, Workers).Select(_ => WorkerProcess.Start(settings)).ToList();
        try
        {
            foreach (var worker in workers)
            {
                await Eventually.HoldsAsync(async () => await IsReadyAsync(worker), seconds: 120);
            }

            var statuses = new List<JsonNode>();
            foreach (var worker in workers)
            {
                var status = JsonNode.Parse(await worker.Http.GetStringAsync("/api/status"))!;
                statuses.Add(status["inference"]!["models"]!.AsArray().Single()!);
            }

            var output = string.Join('\n', workers.Select(w => w.Output));
            var fetches = FetchedLine().Matches(output).Count;
            Assert.True(fetches == 1, $"the model was downloaded {fetches} times:\n{output}");
            Assert.Single(statuses, s => !s["fromCache"]!.GetValue<bool>());
            Assert.All(statuses, s => Assert.Equal(sha256, s["sha256"]!.GetValue<string>()));
            Assert.All(statuses, s => Assert.Equal("Ready", s["state"]!.GetValue<string>()));
            Assert.DoesNotContain(Directory.EnumerateFiles(cache), file => file.EndsWith(".partial", StringComparison.Ordinal));
            Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(cache, big + ".onnx")))));
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    private static async Task<bool> IsReadyAsync(WorkerProcess worker)
    {
        try
        {
            return (await worker.Http.GetAsync("/api/ready")).StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"fetched \d+ bytes in \d+ ms")]
    private static partial Regex FetchedLine();
}
