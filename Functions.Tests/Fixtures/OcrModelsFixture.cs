using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;
using FunctionsWorker.Imaging;
using FunctionsWorker.Inference;
using FunctionsWorker.Pipelines;
using FunctionsWorker.Pipelines.Ocr;

namespace Functions.Tests.Fixtures;

/// <summary>Loads the PP-OCRv4 models from node_modules once per test collection and builds the real OCR pipeline on them.</summary>
public sealed class OcrModelsFixture : IDisposable
{
    public const string Collection = "ocr-models";

    private readonly ModelRunner _detection;
    private readonly ModelRunner _recognition;

    public OcrModelsFixture()
    {
        var assets = Path.Combine(RepositoryPaths.Root, "node_modules", "@gutenye", "ocr-models", "assets");
        var options = new OcrOptions();
        _detection = new ModelRunner(options.DetectionModel, new InferenceSession(Path.Combine(assets, "ch_PP-OCRv4_det_infer.onnx")), 1);
        _recognition = new ModelRunner(options.RecognitionModel, new InferenceSession(Path.Combine(assets, "ch_PP-OCRv4_rec_infer.onnx")), 1);
        Options = options;
        Pipeline = new OcrPipeline(
            Microsoft.Extensions.Options.Options.Create(options),
            new StaticModelProvider(
                new Dictionary<string, ModelRunner> { [_detection.Name] = _detection, [_recognition.Name] = _recognition },
                new Dictionary<string, string> { [options.Dictionary] = Path.Combine(assets, "ppocr_keys_v1.txt") }),
            new ImageDecoder(Microsoft.Extensions.Options.Options.Create(new ImagingOptions()), new MemoryBudget(new ImagingOptions().MemoryBudgetBytes)),
            TimeProvider.System,
            NullLogger<OcrPipeline>.Instance);

        // One run through both models first, so the timings the tests print are warm ones.
        Pipeline.RunAsync(new PipelineContext
        {
            JobId = "warm-up",
            InputName = "warm-up.png",
            Input = BinaryData.FromBytes(TextImageRenderer.Render(["Warm up 123"], 32, SKColors.Black, SKColors.White)),
            Parameters = PipelineParameters.Empty,
        }, CancellationToken.None).GetAwaiter().GetResult();
    }

    public OcrOptions Options { get; }

    internal OcrPipeline Pipeline { get; }

    public void Dispose()
    {
        _detection.Dispose();
        _recognition.Dispose();
    }
}
