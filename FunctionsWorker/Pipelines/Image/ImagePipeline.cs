using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SkiaSharp;
using FunctionsWorker.Errors;
using FunctionsWorker.Imaging;
using FunctionsWorker.Inference;

namespace FunctionsWorker.Pipelines.Image;

/// <summary>
/// The <c>image</c> pipeline: runs any image-to-image model of the catalog (<c>parameters.model</c>), fed and read
/// as its <c>Pipelines:Image:Models:&lt;name&gt;</c> settings say, and writes <c>output.png</c> (or <c>output.jpg</c>
/// with <c>parameters.format</c> = jpeg).
/// </summary>
internal sealed class ImagePipeline : IPipeline
{
    public const string PipelineName = "image";

    private readonly Dictionary<string, ImageModelSettings> _models;
    private readonly IModelProvider _provider;
    private readonly ImageDecoder _decoder;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _available;

    public ImagePipeline(IOptions<ImagePipelineOptions> options, IModelProvider provider, ImageDecoder decoder, TimeProvider time, ILogger<ImagePipeline> logger)
    {
        _models = options.Value.Models.ToDictionary(
            model => model.Key, model => ImageModelSettings.From(model.Key, model.Value), StringComparer.OrdinalIgnoreCase);
        _provider = provider;
        _decoder = decoder;
        _time = time;
        _logger = logger;
        RequiredModels = [.. _models.Keys.Order(StringComparer.Ordinal)];
        _available = string.Join(", ", RequiredModels);
        Log.ModelsConfigured(logger, _models.Count, _available);
    }

    public string Name => PipelineName;

    public IReadOnlyCollection<string> RequiredModels { get; }

    public async Task<PipelineResult> RunAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        // Parameters first: a bad job fails before any decoding or inference work.
        var settings = SelectModel(context.Parameters);
        var format = context.Parameters.GetChoice("format", "png", "png", "jpeg");
        var quality = context.Parameters.GetInt32("quality", 90, 1, 100);
        var runner = _provider.GetRunner(settings.Model);
        var (inputName, declaredShape) = runner.Inputs.First();

        var started = _time.GetTimestamp();
        // Beside the decoded image: its opaque copy and the result, plus the input and output tensors (float, at most
        // three channels each) at the model's size.
        using var decodedImage = await _decoder.DecodeAsync(context.Input, (w, h) =>
        {
            var size = settings.ModelInputSize(declaredShape, w, h);
            return ((long)w * h * 4 * 2) + ((long)size.Width * size.Height * 3 * 4 * 2);
        }, cancellationToken).ConfigureAwait(false);
        var source = decodedImage.Bitmap;
        var decoded = _time.GetTimestamp();
        cancellationToken.ThrowIfCancellationRequested();

        var modelSize = settings.ModelInputSize(declaredShape, source.Width, source.Height);
        TensorData input;
        using (var opaque = OpaqueImage.OnWhite(source))
        {
            input = ImageTensor.Pack(opaque, modelSize, settings.Mean, settings.Std, settings.ChannelOrder);
        }

        var preprocessed = _time.GetTimestamp();
        context.Report("inference", 0.3);
        var outputs = await runner.RunAsync(new Dictionary<string, TensorData> { [inputName] = input }, cancellationToken).ConfigureAwait(false);
        var inferred = _time.GetTimestamp();
        context.Report("postprocess", 0.8);

        using var result = Postprocess(settings, source, outputs[runner.Outputs[0]]);
        var postprocessed = _time.GetTimestamp();

        var image = ImageEncoder.Encode(result, format, quality);
        var encoded = _time.GetTimestamp();

        var timings = new JsonObject
        {
            ["decode"] = Milliseconds(started, decoded),
            ["preprocess"] = Milliseconds(decoded, preprocessed),
            ["inference"] = Milliseconds(preprocessed, inferred),
            ["postprocess"] = Milliseconds(inferred, postprocessed),
            ["encode"] = Milliseconds(postprocessed, encoded),
        };
        var summary = new JsonObject
        {
            ["model"] = settings.Model,
            ["output"] = settings.Output.ToString().ToLowerInvariant(),
            ["sourceWidth"] = source.Width,
            ["sourceHeight"] = source.Height,
            ["modelWidth"] = modelSize.Width,
            ["modelHeight"] = modelSize.Height,
            ["width"] = result.Width,
            ["height"] = result.Height,
            ["format"] = format,
            ["file"] = $"output.{image.Extension}",
            ["bytes"] = image.Content.ToMemory().Length,
            ["timingsMs"] = timings,
        };
        Log.ImageCompleted(_logger, context.JobId, settings.Model, source.Width, source.Height, modelSize.Width, modelSize.Height,
            result.Width, result.Height, (long)_time.GetElapsedTime(started, encoded).TotalMilliseconds,
            (long)_time.GetElapsedTime(preprocessed, inferred).TotalMilliseconds);

        return new PipelineResult(summary, [new PipelineOutput($"output.{image.Extension}", image.Content, image.ContentType)]);
    }

    private ImageModelSettings SelectModel(PipelineParameters parameters)
    {
        var name = parameters.GetString("model");
        if (name is null)
        {
            // One model configured: nothing to choose, so the parameter may be left out.
            return _models.Count == 1
                ? _models.Values.Single()
                : throw new InvalidJobException("invalid-parameter", $"parameters.model is required; available: {_available}.");
        }

        return _models.TryGetValue(name, out var settings)
            ? settings
            : throw new InvalidJobException("invalid-parameter", $"parameters.model '{name}' is not an image model of this worker; available: {_available}.");
    }

    private static SKBitmap Postprocess(ImageModelSettings settings, SKBitmap source, TensorData output)
    {
        try
        {
            if (settings.Output == ImageOutputKind.Mask)
            {
                return ImageTensor.ApplyMask(source, output);
            }

            using var image = ImageTensor.ToImage(output, settings.OutputScale, settings.ChannelOrder);
            return settings.ResizeToInput
                ? ImageTensor.Resize(image, source.Width, source.Height)
                : image.Copy();
        }
        catch (InvalidDataException ex)
        {
            // The model does not produce what its settings promise: a deployment fault, not the job's.
            throw new WorkerFaultException("model-output-mismatch", string.Create(CultureInfo.InvariantCulture,
                $"Model '{settings.Model}' ({settings.Output} output): {ex.Message}; check Pipelines:Image:Models:{settings.Model}."), ex);
        }
    }

    private double Milliseconds(long from, long to) => Math.Round(_time.GetElapsedTime(from, to).TotalMilliseconds, 1);
}
