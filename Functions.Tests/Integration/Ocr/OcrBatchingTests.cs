using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;
using FunctionsWorker.Imaging;
using FunctionsWorker.Inference;
using FunctionsWorker.Pipelines;
using FunctionsWorker.Pipelines.Ocr;

namespace Functions.Tests.Integration.Ocr;

/// <summary>Concurrent OCR jobs read the same with dynamic batching on (the fixture's runners, the worker's defaults) as with it off.</summary>
[Collection(OcrModelsFixture.Collection)]
public sealed class OcrBatchingTests(OcrModelsFixture models)
{
    [Fact]
    public async Task ConcurrentJobs_ReadTheSame_WithBatchingOnAndOff()
    {
        var assets = Path.Combine(RepositoryPaths.Root, "node_modules", "@gutenye", "ocr-models", "assets");
        var options = models.Options;
        using var detection = new ModelRunner(options.DetectionModel, new InferenceSession(Path.Combine(assets, "ch_PP-OCRv4_det_infer.onnx")), 1, BatchingSettings.Off, TimeProvider.System);
        using var recognition = new ModelRunner(options.RecognitionModel, new InferenceSession(Path.Combine(assets, "ch_PP-OCRv4_rec_infer.onnx")), 1, BatchingSettings.Off, TimeProvider.System);
        Assert.False(recognition.Batching);
        Assert.True(models.Recognition.Batching);
        var provider = new StaticModelProvider(
            new Dictionary<string, ModelRunner> { [detection.Name] = detection, [recognition.Name] = recognition },
            new Dictionary<string, string> { [options.Dictionary] = Path.Combine(assets, "ppocr_keys_v1.txt") });
        var single = new OcrPipeline(
            Microsoft.Extensions.Options.Options.Create(options),
            provider,
            new ImageDecoder(Microsoft.Extensions.Options.Options.Create(new ImagingOptions()), new MemoryBudget(new ImagingOptions().MemoryBudgetBytes)),
            TimeProvider.System,
            NullLogger<OcrPipeline>.Instance);

        // Eight jobs at once, two of each image, so equal detector shapes and recognition widths meet in the queue.
        var fixtures = Path.Combine(RepositoryPaths.Root, "Functions.Tests", "Fixtures", "Images", "tuning");
        byte[][] images =
        [
            File.ReadAllBytes(Path.Combine(fixtures, "receipt.png")),
            File.ReadAllBytes(Path.Combine(fixtures, "screenshot.png")),
            TextImageRenderer.Render(["The quick brown fox jumps", "over the lazy dog near", "the river bank at noon.", "Order 48213 due 2024-07-15"], 24, SKColors.Black, SKColors.White),
            TextImageRenderer.Render(["BIG HEADLINE"], 64, SKColors.Black, SKColors.White),
        ];
        var inputs = Enumerable.Range(0, 8).Select(i => images[i % images.Length]).ToList();

        var mergedBefore = MergedRuns(models.Recognition);
        var off = await Task.WhenAll(inputs.Select(input => ReadAsync(single, input)));
        var on = await Task.WhenAll(inputs.Select(input => ReadAsync(models.Pipeline, input)));

        Assert.Equal(off.Select(r => r.Text), on.Select(r => r.Text));
        for (var i = 0; i < off.Length; i++)
        {
            Assert.Equal(off[i].Confidences.Length, on[i].Confidences.Length);
            Assert.All(off[i].Confidences.Zip(on[i].Confidences), pair => Assert.Equal(pair.First, pair.Second, 0.002));
        }

        Assert.True(MergedRuns(models.Recognition) > mergedBefore, "No recognition run merged requests of two jobs.");
    }

    private static long MergedRuns(ModelRunner runner) => runner.BatchSizes.Where(size => size.Key > 1).Sum(size => size.Value);

    /// <summary>Each line's text and box as JSON, and the confidences apart (a merged run may differ in the last float bits).</summary>
    private static async Task<(string Text, double[] Confidences)> ReadAsync(IPipeline pipeline, byte[] input)
    {
        var result = await pipeline.RunAsync(new PipelineContext
        {
            JobId = "batching",
            InputName = "input.png",
            Input = BinaryData.FromBytes(input),
            Parameters = PipelineParameters.Empty,
        }, CancellationToken.None);
        var lines = result.Summary["lines"]!.AsArray();
        var text = new JsonArray([.. lines.Select(line => new JsonObject { ["text"] = line!["text"]!.GetValue<string>(), ["box"] = line["box"]?.DeepClone() })]);
        return (text.ToJsonString(), [.. lines.Select(line => line!["confidence"]!.GetValue<double>())]);
    }
}
