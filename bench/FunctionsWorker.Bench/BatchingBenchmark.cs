using System.Diagnostics;
using System.Text.Json.Nodes;
using FunctionsWorker.Health;
using FunctionsWorker.Inference;
using FunctionsWorker.Pipelines;

namespace FunctionsWorker.Bench;

/// <summary>
/// Section 4: OCR throughput in process at <see cref="Concurrency"/> jobs at once, dynamic batching off
/// (<c>Models:ocr-*:MaxBatchSize=1</c>, the default) against on (<c>=8</c>), a fresh warmed composition for each.
/// </summary>
internal sealed class BatchingBenchmark(BenchSettings settings, IReadOnlyList<BenchImage> images)
{
    public const int Concurrency = 8;

    public async Task<BatchingReport> RunAsync(CancellationToken cancellationToken)
    {
        // On first, then off: the first composition pays for any one-time cost of the process, against batching.
        var on = await MeasureAsync(batching: true, cancellationToken).ConfigureAwait(false);
        var off = await MeasureAsync(batching: false, cancellationToken).ConfigureAwait(false);
        return new BatchingReport(Concurrency, settings.Runs, off, on, Statistics.Round(on.JobsPerSecond / off.JobsPerSecond, 2));
    }

    private async Task<BatchingResult> MeasureAsync(bool batching, CancellationToken cancellationToken)
    {
        // Off is the worker's default (1); on is what a GPU deployment would set.
        var size = batching ? "8" : "1";
        var overrides = new Dictionary<string, string?>
        {
            ["Models:ocr-det:MaxBatchSize"] = size,
            ["Models:ocr-rec:MaxBatchSize"] = size,
        };

        var builder = WorkerComposition.CreateBuilder("UseDevelopmentStorage=true", overrides);
        await using var app = builder.Build();
        foreach (var task in app.Services.GetServices<IWarmupTask>())
        {
            await task.WarmAsync(cancellationToken).ConfigureAwait(false);
        }

        var pipeline = app.Services.GetServices<IPipeline>().Single(p => p.Name == "ocr");
        var models = app.Services.GetRequiredService<IModelProvider>();
        var before = Sizes(models);
        var parameters = new JsonObject { ["overlay"] = settings.Overlay };
        var rounds = new List<double>();
        for (var round = -1; round < settings.Runs; round++)
        {
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(i => RunOnceAsync(pipeline, images[i % images.Count], parameters, cancellationToken)))
                .ConfigureAwait(false);
            if (round >= 0)
            {
                rounds.Add(clock.Elapsed.TotalMilliseconds);
            }

            Console.WriteLine($"  batching {(batching ? "on" : "off")}: round {(round < 0 ? "warm-up" : (round + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))} {clock.Elapsed.TotalMilliseconds:F0} ms");
        }

        // Only the measured rounds: the warm-up's runs (and the model warm-up's own) are subtracted.
        var after = Sizes(models);
        var distribution = after.ToDictionary(
            model => model.Key,
            model => model.Value.ToDictionary(size => size.Key, size => size.Value - before[model.Key].GetValueOrDefault(size.Key)));
        var median = Statistics.Median(rounds);
        return new BatchingResult(batching, Statistics.Round(median), [.. rounds.Select(Statistics.Round)],
            Statistics.Round(Concurrency / (median / 1000), 2), distribution);
    }

    private static Dictionary<string, Dictionary<int, long>> Sizes(IModelProvider models) =>
        new[] { "ocr-det", "ocr-rec" }.ToDictionary(name => name, name => new Dictionary<int, long>(models.GetRunner(name).BatchSizes));

    private static async Task RunOnceAsync(IPipeline pipeline, BenchImage image, JsonObject parameters, CancellationToken cancellationToken)
    {
        var context = new PipelineContext
        {
            JobId = "bench-batching-" + image.Name,
            InputName = image.Name + ".png",
            Input = BinaryData.FromBytes(image.Content),
            Parameters = new PipelineParameters((JsonObject)parameters.DeepClone()),
        };
        await pipeline.RunAsync(context, cancellationToken).ConfigureAwait(false);
    }
}
