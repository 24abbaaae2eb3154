using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;
using FunctionsWorker.Imaging;
using FunctionsWorker.Inference;
using FunctionsWorker.Pipelines;
using FunctionsWorker.Pipelines.Ocr;

namespace Functions.Tests.Fixtures;

/// <summary>
/// Loads the PP-OCRv4 models from node_modules once per test collection, folded as the model cache folds them
/// (<see cref="GraphFolder"/>), and builds the real OCR pipeline on them, with dynamic batching as the worker runs it by default (<see cref="ModelOptions.MaxBatchSize"/> 8,
/// <see cref="ModelOptions.MaxQueueDelay"/> zero), so accuracy is measured on the production path.
/// </summary>
public sealed class OcrModelsFixture : IDisposable
{
    public const string Collection = "ocr-models";

    private readonly ModelRunner _detection;
    private readonly ModelRunner _recognition;
    private readonly ModelRunner _classifier;

    public OcrModelsFixture()
    {
        var assets = Path.Combine(RepositoryPaths.Root, "node_modules", "@gutenye", "ocr-models", "assets");
        var options = new OcrOptions();
        var defaults = new ModelOptions();
        ModelRunner Load(string name, string file)
        {
            // Folded as the model cache folds it (ModelOptions.FoldGraph is on by default).
            var bytes = File.ReadAllBytes(Path.Combine(assets, file));
            var session = new InferenceSession(GraphFolder.Fold(bytes, InferenceDevice.Cpu).Model ?? bytes);
            return new(name, session, defaults.MaxConcurrency, defaults.Batching, TimeProvider.System);
        }

        _detection = Load(options.DetectionModel, "ch_PP-OCRv4_det_infer.onnx");
        _recognition = Load(options.RecognitionModel, "ch_PP-OCRv4_rec_infer.onnx");
        _classifier = Load(ClassifierModel, "ch_ppocr_mobile_v2.0_cls_infer.onnx");
        Options = options;
        var models = new StaticModelProvider(
            new Dictionary<string, ModelRunner> { [_detection.Name] = _detection, [_recognition.Name] = _recognition, [_classifier.Name] = _classifier },
            new Dictionary<string, string> { [options.Dictionary] = Path.Combine(assets, "ppocr_keys_v1.txt") });
        Pipeline = Create(options, models);
        var withClassifier = new OcrOptions { Classifier = ClassifierModel };
        PipelineWithClassifier = Create(withClassifier, models);

        // One run through every model first, so the timings the tests print are warm ones.
        foreach (var pipeline in new[] { Pipeline, PipelineWithClassifier })
        {
            pipeline.RunAsync(new PipelineContext
            {
                JobId = "warm-up",
                InputName = "warm-up.png",
                Input = BinaryData.FromBytes(TextImageRenderer.Render(["Warm up 123"], 32, SKColors.Black, SKColors.White)),
                Parameters = PipelineParameters.Empty,
            }, CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    /// <summary>The catalog name the text-direction classifier gets in <see cref="PipelineWithClassifier"/>.</summary>
    public const string ClassifierModel = "ocr-cls";

    public OcrOptions Options { get; }

    /// <summary>The recogniser's runner, whose <see cref="ModelRunner.BatchSizes"/> show which runs were merged.</summary>
    internal ModelRunner Recognition => _recognition;

    /// <summary>The pipeline with default settings: no direction classifier.</summary>
    internal OcrPipeline Pipeline { get; }

    /// <summary>The pipeline with <c>Pipelines:Ocr:Classifier</c> set: upside-down strips are turned before reading.</summary>
    internal OcrPipeline PipelineWithClassifier { get; }

    private static OcrPipeline Create(OcrOptions options, StaticModelProvider models) => new(
        Microsoft.Extensions.Options.Options.Create(options),
        models,
        new ImageDecoder(Microsoft.Extensions.Options.Options.Create(new ImagingOptions()), new MemoryBudget(new ImagingOptions().MemoryBudgetBytes)),
        TimeProvider.System,
        NullLogger<OcrPipeline>.Instance);

    public void Dispose()
    {
        _detection.Dispose();
        _recognition.Dispose();
        _classifier.Dispose();
    }
}
