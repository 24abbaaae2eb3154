using System.Diagnostics;
using System.Text.Json.Nodes;
using FunctionsWorker.Pipelines;

namespace FunctionsWorker.Bench;

/// <summary>
/// Part of section 1: for each image, a fresh in-process composition is warmed exactly as the worker warms before its
/// listener fetches (every <see cref="IWarmupTask"/>), then the image's first job is timed against the following ones:
/// what the first job after <c>/api/ready</c> costs compared with the steady state.
/// </summary>
internal sealed class FirstJobBenchmark(BenchSettings settings, IReadOnlyList<BenchImage> images)
{
    public async Task<IReadOnlyList<FirstJobResult>> RunAsync(CancellationToken cancellationToken)
    {
        var results = new List<FirstJobResult>();
        foreach (var image in images)
        {
            var builder = WorkerComposition.CreateBuilder("UseDevelopmentStorage=true", new Dictionary<string, string?>());
            await using var app = builder.Build();
            var warmup = Stopwatch.StartNew();
            await WorkerComposition.WarmAsync(app, cancellationToken).ConfigureAwait(false);

            var warmupMs = warmup.Elapsed.TotalMilliseconds;
            var pipeline = WorkerComposition.OcrPipeline(app.Services);
            var first = await TimeAsync(pipeline, image, cancellationToken).ConfigureAwait(false);
            var following = new List<double>();
            for (var run = 0; run < settings.Runs; run++)
            {
                following.Add(await TimeAsync(pipeline, image, cancellationToken).ConfigureAwait(false));
            }

            var median = Statistics.Median(following);
            var result = new FirstJobResult(image.Name, Statistics.Round(warmupMs), Statistics.Round(first), Statistics.Round(median),
                Statistics.Round(first / median, 2), [.. following.Select(v => Statistics.Round(v))]);
            Console.WriteLine($"  {image.Name}: warm-up {result.WarmupMs:F0} ms, first job {result.FirstMs:F0} ms, median after {result.MedianAfterMs:F0} ms ({result.Ratio:F2}x)");
            results.Add(result);
        }

        return results;
    }

    private async Task<double> TimeAsync(IPipeline pipeline, BenchImage image, CancellationToken cancellationToken)
    {
        var context = new PipelineContext
        {
            JobId = "first-" + image.Name,
            InputName = image.Name + ".png",
            Input = BinaryData.FromBytes(image.Content),
            Parameters = new PipelineParameters(new JsonObject { ["overlay"] = settings.Overlay }),
        };
        var clock = Stopwatch.StartNew();
        await pipeline.RunAsync(context, cancellationToken).ConfigureAwait(false);
        return clock.Elapsed.TotalMilliseconds;
    }
}
