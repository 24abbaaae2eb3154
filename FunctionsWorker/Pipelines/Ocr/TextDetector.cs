using SkiaSharp;
using FunctionsWorker.Inference;

namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>Finds text lines with the PP-OCR DB model: resize, normalise, run, post-process, reading order.</summary>
internal sealed class TextDetector(DbPostProcessor postProcessor)
{
    // ImageNet statistics as PaddleOCR applies them: its images come from cv2 in BGR order and the constants are
    // applied per channel in that order, so the model was trained on B,G,R planes normalised with these values.
    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    private static readonly BgrPlanes Normalised = new((channel, v) => ((v / 255f) - Mean[channel]) / Std[channel]);

    /// <summary>Returns the text boxes of an opaque RGBA image, in its pixels, in reading order.</summary>
    public async Task<IReadOnlyList<TextQuad>> DetectAsync(ModelRunner runner, SKBitmap image, int maxSide, CancellationToken cancellationToken)
    {
        var (width, height) = DetectionSize.Compute(image.Width, image.Height, maxSide);
        // The exact size, not padded to a few buckets: a shape new to the session costs about its steady run once the
        // session has run at all (bench/shapes.md), while padding costs every run.
        var input = Pack(image, width, height);
        var outputs = await runner.RunAsync(new Dictionary<string, TensorData> { [runner.Inputs.Keys.First()] = input }, cancellationToken)
            .ConfigureAwait(false);

        // Output is [1, 1, H, W] probabilities at the input's resolution.
        var boxes = postProcessor.Process(outputs[runner.Outputs[0]].Data, width, height, image.Width, image.Height);
        return [.. ReadingOrder.Sort(boxes).Select(i => boxes[i])];
    }

    /// <summary>The image resized to <paramref name="width"/> x <paramref name="height"/>, normalised, as B,G,R planes.</summary>
    private static TensorData Pack(SKBitmap image, int width, int height)
    {
        // At its own size the decoded image (RGBA8888) is read as it is, not copied.
        using var resized = image.Width == width && image.Height == height && image.ColorType == SKColorType.Rgba8888
            ? null
            : image.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque), new SKSamplingOptions(SKFilterMode.Linear));
        var source = resized ?? image;
        var tensor = TensorData.Create([1, 3, height, width]);
        Normalised.Write(source.GetPixelSpan(), source.RowBytes, 0, width, height, tensor.Data, width);
        return tensor;
    }
}
