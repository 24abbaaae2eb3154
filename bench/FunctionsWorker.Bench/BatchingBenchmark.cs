using System.Diagnostics;
using System.Text.Json.Nodes;
using FunctionsWorker.Inference;
using FunctionsWorker.Pipelines;

namespace FunctionsWorker.Bench;

/// <summary>
/// Section 4: OCR throughput in process at 1 to <see cref="MaxJobsAtOnce"/> jobs at once with dynamic batching on (the
/// worker's default) and off (<c>Models:ocr-*:MaxBatchSize=1</c>): two warmed compositions side by side, their rounds
/// alternating so drift on a shared machine falls on both. Every round is the same <see cref="JobsPerRound"/> jobs
/// (image i mod n), at most N running at once, so rounds differ only in how many overlap. Two image sets: the bench's
/// documents (many lines a job, already batched within the job) and eight one-line price tags of one size (many
/// small, alike jobs: what only batching across jobs can merge). Then each OCR model alone at 1 to 8 rows of one shape,
/// which says what batching can gain on the device at all.
/// </summary>
internal sealed class BatchingBenchmark(BenchSettings settings, IReadOnlyList<BenchImage> documents)
{
    public const int MaxJobsAtOnce = 8;

    public const int JobsPerRound = 8;

    private static readonly int[] JobsAtOnce = [1, 2, 4, MaxJobsAtOnce];

    private static readonly int[] ScalingRows = [1, 2, 4, 8];

    private static readonly (string Model, int[] Shape)[] ScalingShapes =
    [
        ("ocr-rec", [3, 48, 320]),
        ("ocr-rec", [3, 48, 960]),
        ("ocr-det", [3, 640, 640]),
    ];

    public async Task<BatchingReport> RunAsync(CancellationToken cancellationToken)
    {
        await using var on = await StartAsync(batching: true, cancellationToken).ConfigureAwait(false);
        await using var off = await StartAsync(batching: false, cancellationToken).ConfigureAwait(false);
        var tags = BenchImages.Load(Path.Combine(settings.ImagesDirectory, "tags"));
        var workloads = new List<BatchingWorkload>
        {
            await MeasureAsync("documents", documents, on.Services, off.Services, cancellationToken).ConfigureAwait(false),
            await MeasureAsync("tags", tags, on.Services, off.Services, cancellationToken).ConfigureAwait(false),
        };
        var scaling = await ScalingAsync(off.Services.GetRequiredService<IModelProvider>(), cancellationToken).ConfigureAwait(false);
        return new BatchingReport(settings.Runs, workloads, scaling);
    }

    private async Task<BatchingWorkload> MeasureAsync(
        string name, IReadOnlyList<BenchImage> images, IServiceProvider on, IServiceProvider off, CancellationToken cancellationToken)
    {
        var points = new List<BatchingPoint>();
        Dictionary<string, Dictionary<int, long>> merged = [];
        foreach (var jobs in JobsAtOnce)
        {
            var before = Sizes(on);
            var onRounds = new List<double>();
            var offRounds = new List<double>();
            for (var round = -1; round < settings.Runs; round++)
            {
                var onMs = await RoundAsync(on, images, jobs, cancellationToken).ConfigureAwait(false);
                var offMs = await RoundAsync(off, images, jobs, cancellationToken).ConfigureAwait(false);
                if (round >= 0)
                {
                    onRounds.Add(onMs);
                    offRounds.Add(offMs);
                }
            }

            var (onMedian, offMedian) = (Statistics.Median(onRounds), Statistics.Median(offRounds));
            points.Add(new BatchingPoint(
                jobs, Statistics.Round(offMedian), Statistics.Round(onMedian), Statistics.Round(JobsPerRound / (offMedian / 1000), 2),
                Statistics.Round(JobsPerRound / (onMedian / 1000), 2), Statistics.Round(offMedian / onMedian, 2),
                // The raw rounds at full precision: the medians and ratios above are the rounded figures.
                [.. offRounds], [.. onRounds]));
            Console.WriteLine($"  {name}, {jobs} at once: off {offMedian:F0} ms, on {onMedian:F0} ms a round (on/off throughput {offMedian / onMedian:F2}x)");
            if (jobs == MaxJobsAtOnce)
            {
                // The warm-up round's runs count too: they merge the same way.
                merged = Sizes(on).ToDictionary(
                    model => model.Key,
                    model => model.Value.ToDictionary(size => size.Key, size => size.Value - before[model.Key].GetValueOrDefault(size.Key)));
            }
        }

        return new BatchingWorkload(name, string.Join(", ", images.Select(i => i.Name)), points, merged);
    }

    private static async Task<WebApplication> StartAsync(bool batching, CancellationToken cancellationToken)
    {
        // On is the worker's default; off sets the size to 1.
        var overrides = batching
            ? new Dictionary<string, string?>()
            : new Dictionary<string, string?> { ["Models:ocr-det:MaxBatchSize"] = "1", ["Models:ocr-rec:MaxBatchSize"] = "1" };
        var app = WorkerComposition.CreateBuilder("UseDevelopmentStorage=true", overrides).Build();
        await WorkerComposition.WarmAsync(app, cancellationToken).ConfigureAwait(false);

        return app;
    }

    private async Task<double> RoundAsync(IServiceProvider services, IReadOnlyList<BenchImage> images, int jobs, CancellationToken cancellationToken)
    {
        var parameters = new JsonObject { ["overlay"] = settings.Overlay };
        var pipeline = WorkerComposition.OcrPipeline(services);
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, JobsPerRound),
            new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = cancellationToken },
            async (i, token) => await RunOnceAsync(pipeline, images[i % images.Count], parameters, token).ConfigureAwait(false)).ConfigureAwait(false);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static Dictionary<string, Dictionary<int, long>> Sizes(IServiceProvider services)
    {
        var models = services.GetRequiredService<IModelProvider>();
        return new[] { "ocr-det", "ocr-rec" }.ToDictionary(name => name, name => new Dictionary<int, long>(models.GetRunner(name).BatchSizes));
    }

    /// <summary>Each shape at each row count: two unmeasured runs (a new shape is planned once), then the median of five.</summary>
    private static async Task<List<BatchScalingPoint>> ScalingAsync(IModelProvider models, CancellationToken cancellationToken)
    {
        var points = new List<BatchScalingPoint>();
        foreach (var (model, shape) in ScalingShapes)
        {
            var runner = models.GetRunner(model);
            foreach (var rows in ScalingRows)
            {
                var input = TensorData.Create([rows, .. shape]);
                var random = new Random(17);
                for (var i = 0; i < input.Data.Length; i++)
                {
                    input.Data[i] = (float)((random.NextDouble() * 2) - 1);
                }

                var inputs = new Dictionary<string, TensorData> { [runner.Inputs.Keys.First()] = input };
                var times = new List<double>();
                for (var run = -2; run < 5; run++)
                {
                    var clock = Stopwatch.StartNew();
                    await runner.RunAsync(inputs, cancellationToken).ConfigureAwait(false);
                    if (run >= 0)
                    {
                        times.Add(clock.Elapsed.TotalMilliseconds);
                    }
                }

                var median = Statistics.Median(times);
                points.Add(new BatchScalingPoint(model, string.Join('x', shape), rows, Statistics.Round(median), Statistics.Round(median / rows, 2)));
                Console.WriteLine($"  {model} {rows}x{string.Join('x', shape)}: {median:F1} ms, {median / rows:F2} ms a row");
            }
        }

        return points;
    }

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
