using System.Diagnostics;
using System.Text.Json.Nodes;
using FunctionsWorker.Pipelines;

namespace FunctionsWorker.Bench;

/// <summary>
/// Section 1: the <c>ocr</c> pipeline resolved from the real composition, models warmed through the same
/// <see cref="IWarmupTask"/> the worker runs, then each image one unmeasured run and N measured runs in turn; with the
/// reference section, a round of the Node reference before each of the worker's.
/// </summary>
internal sealed class PipelineBenchmark(BenchSettings settings, IReadOnlyList<BenchImage> images)
{
    private const int WarmupRuns = 1;

    public async Task<PipelineReport> RunAsync(ReferenceRounds? reference, CancellationToken cancellationToken)
    {
        var builder = WorkerComposition.CreateBuilder("UseDevelopmentStorage=true", new Dictionary<string, string?>());
        await using var app = builder.Build();

        var warmup = Stopwatch.StartNew();
        await WorkerComposition.WarmAsync(app, cancellationToken).ConfigureAwait(false);

        var modelWarmupMs = warmup.Elapsed.TotalMilliseconds;
        Console.WriteLine($"  models warm in {modelWarmupMs:F0} ms");
        var pipeline = WorkerComposition.OcrPipeline(app.Services);
        var parameters = new JsonObject { ["overlay"] = settings.Overlay };

        var runs = images.ToDictionary(image => image.Name, _ => new List<StageTimings>());
        var read = new Dictionary<string, (int Lines, int Characters)>();
        for (var round = -WarmupRuns; round < settings.Runs; round++)
        {
            if (reference is not null)
            {
                await reference.RunRoundAsync(measured: round >= 0, cancellationToken).ConfigureAwait(false);
            }

            foreach (var image in images)
            {
                var (timings, lineCount, characters) = await RunOnceAsync(pipeline, image, parameters, cancellationToken).ConfigureAwait(false);
                read[image.Name] = (lineCount, characters);
                if (round >= 0)
                {
                    runs[image.Name].Add(timings);
                }
            }

            Console.WriteLine(round < 0 ? "  warm-up round done" : $"  round {round + 1}/{settings.Runs} done");
        }

        var results = images
            .Select(image => new ImageStageResult(image.Name, image.Width, image.Height, read[image.Name].Lines, read[image.Name].Characters, StageTimings.Median(runs[image.Name]),
                LatencyPercentiles.Of([.. runs[image.Name].Select(r => r.Total)]), runs[image.Name]))
            .ToList();
        var sequentialMs = Enumerable.Range(0, settings.Jobs).Sum(i => results[i % results.Count].Median.Total);
        // The measured composition stays loaded but idle: the fresh ones below share only the cores' caches with it.
        Console.WriteLine("  first job after ready, a fresh composition per image");
        var firstJobs = await new FirstJobBenchmark(settings, images).RunAsync(cancellationToken).ConfigureAwait(false);
        return new PipelineReport(settings.Runs, WarmupRuns, settings.Overlay, Statistics.Round(modelWarmupMs), results, settings.Jobs,
            Statistics.Round(settings.Jobs / (sequentialMs / 1000), 2), firstJobs);
    }

    private static async Task<(StageTimings Timings, int Lines, int Characters)> RunOnceAsync(IPipeline pipeline, BenchImage image, JsonObject parameters, CancellationToken cancellationToken)
    {
        var context = new PipelineContext
        {
            JobId = "bench-" + image.Name,
            InputName = image.Name + ".png",
            Input = BinaryData.FromBytes(image.Content),
            Parameters = new PipelineParameters((JsonObject)parameters.DeepClone()),
        };
        var clock = Stopwatch.StartNew();
        var result = await pipeline.RunAsync(context, cancellationToken).ConfigureAwait(false);
        var total = clock.Elapsed.TotalMilliseconds;

        var stages = result.Summary["timingsMs"]!.AsObject();
        var timings = new StageTimings(
            stages["decode"]!.GetValue<double>(),
            stages["detect"]!.GetValue<double>(),
            stages["recognize"]!.GetValue<double>(),
            stages["encode"]!.GetValue<double>(),
            Statistics.Round(total));
        var lines = result.Summary["lines"]!.AsArray();
        return (timings, lines.Count, lines.Sum(line => line!["text"]!.GetValue<string>().Count(c => !char.IsWhiteSpace(c))));
    }
}
