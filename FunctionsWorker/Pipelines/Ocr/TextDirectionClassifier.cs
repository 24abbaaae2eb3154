using SkiaSharp;
using FunctionsWorker.Inference;

namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>
/// PP-OCR's text-direction classifier (<c>ch_ppocr_mobile_v2.0_cls</c>): each strip resized to height 48 with its ratio
/// kept, at most 192 wide, values in [-1, 1], padded right; two classes, 0° and 180°. A strip is turned half a turn
/// when the model says 180° with more than <see cref="Threshold"/> (PaddleOCR's <c>cls_thresh</c>).
/// </summary>
internal sealed class TextDirectionClassifier(int batchSize)
{
    public const int InputHeight = 48;
    public const int InputWidth = 192;
    public const float Threshold = 0.9f;

    /// <summary>For each strip, whether it is upside down; the strips themselves are not changed.</summary>
    public async Task<bool[]> ClassifyAsync(ModelRunner runner, IReadOnlyList<SKBitmap> strips, CancellationToken cancellationToken)
    {
        var flipped = new bool[strips.Count];
        for (var start = 0; start < strips.Count; start += batchSize)
        {
            // Every run has the full batch shape (the tail padded with blank strips): one shape, warmed once.
            var count = Math.Min(batchSize, strips.Count - start);
            var input = TensorData.Create([batchSize, 3, InputHeight, InputWidth]);
            for (var n = 0; n < count; n++)
            {
                Pack(strips[start + n], input.Data.AsSpan(n * 3 * InputHeight * InputWidth, 3 * InputHeight * InputWidth));
            }

            var outputs = await runner.RunAsync(new Dictionary<string, TensorData> { [runner.Inputs.Keys.First()] = input }, cancellationToken)
                .ConfigureAwait(false);

            // Output is [N, 2] softmax probabilities: 0° then 180°.
            var output = outputs[runner.Outputs[0]];
            var classes = output.Shape[^1];
            for (var n = 0; n < count; n++)
            {
                var upsideDown = output.Data[(n * classes) + 1];
                flipped[start + n] = upsideDown > output.Data[n * classes] && upsideDown > Threshold;
            }
        }

        return flipped;
    }

    /// <summary>Half a turn: what an upside-down strip looks like upright.</summary>
    public static SKBitmap Turn(SKBitmap strip)
    {
        var turned = new SKBitmap(new SKImageInfo(strip.Width, strip.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(turned);
        canvas.RotateDegrees(180, strip.Width / 2f, strip.Height / 2f);
        canvas.DrawBitmap(strip, 0, 0);
        return turned;
    }

    private static void Pack(SKBitmap strip, Span<float> planes)
    {
        var width = Math.Clamp((int)MathF.Ceiling(InputHeight * strip.Width / (float)strip.Height), 1, InputWidth);
        using var resized = strip.Resize(
            new SKImageInfo(width, InputHeight, SKColorType.Rgba8888, SKAlphaType.Opaque),
            new SKSamplingOptions(SKFilterMode.Linear));
        // The padding past the strip stays 0.
        BgrPlanes.Symmetric.Write(resized.GetPixelSpan(), resized.RowBytes, 0, width, InputHeight, planes, InputWidth);
    }
}
