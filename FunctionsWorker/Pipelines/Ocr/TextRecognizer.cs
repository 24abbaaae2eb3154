using SkiaSharp;
using FunctionsWorker.Errors;
using FunctionsWorker.Inference;

namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>
/// Reads text strips with the PP-OCR CTC model: height 48, ratio kept, values in [-1, 1], batches of similar
/// aspect ratio as wide as their widest strip (rounded up to <see cref="WidthStep"/>), as many rows as strips.
/// </summary>
internal sealed class TextRecognizer(CharacterDictionary dictionary, int batchSize)
{
    public const int InputHeight = 48;

    /// <summary>The narrowest batch width PaddleOCR uses (its 3x48x320 input shape).</summary>
    private const int MinInputWidth = 320;

    /// <summary>Batch widths are rounded up to this: a few more shapes than exact widths would give, for a few columns of padding.</summary>
    public const int WidthStep = 32;

    public async Task<(string Text, float Confidence)[]> RecognizeAsync(
        ModelRunner runner, IReadOnlyList<SKBitmap> strips, CancellationToken cancellationToken)
    {
        var results = new (string Text, float Confidence)[strips.Count];
        var order = Enumerable.Range(0, strips.Count).OrderBy(i => Aspect(strips[i])).ToArray();
        for (var start = 0; start < order.Length; start += batchSize)
        {
            var batch = order.AsSpan(start, Math.Min(batchSize, order.Length - start)).ToArray();
            var (input, inkColumns) = Pack(strips, batch);
            var outputs = await runner.RunAsync(new Dictionary<string, TensorData> { [runner.Inputs.Keys.First()] = input }, cancellationToken)
                .ConfigureAwait(false);

            // Output is [N, T, classes] softmax probabilities.
            var output = outputs[runner.Outputs[0]];
            var (steps, classes) = (output.Shape[1], output.Shape[2]);
            if (classes != dictionary.ClassCount)
            {
                throw new WorkerFaultException("ocr-dictionary-mismatch",
                    $"The recognition model outputs {classes} classes but the dictionary has {dictionary.ClassCount} (blank and space included).");
            }

            for (var n = 0; n < batch.Length; n++)
            {
                var characters = CtcDecoder.DecodeCharacters(output.Data.AsSpan(n * steps * classes, steps * classes), steps, classes, dictionary);
                var text = WordGapSpacer.Join(characters, input.Shape[3] / (float)steps, inkColumns[n], InputHeight);
                results[batch[n]] = (text, CtcDecoder.Confidence(characters));
            }
        }

        return results;
    }

    private static float Aspect(SKBitmap strip) => strip.Width / (float)strip.Height;

    /// <summary>The batch tensor, and for each strip which columns of it (as resized) hold ink.</summary>
    private (TensorData Input, bool[][] InkColumns) Pack(IReadOnlyList<SKBitmap> strips, int[] batch)
    {
        var maxAspect = Math.Max(MinInputWidth / (float)InputHeight, batch.Max(i => Aspect(strips[i])));
        var contentWidth = (int)(InputHeight * maxAspect);
        var width = (contentWidth + WidthStep - 1) / WidthStep * WidthStep;
        var tensor = TensorData.Create([batch.Length, 3, InputHeight, width]);
        var plane = InputHeight * width;
        var inkColumns = new bool[batch.Length][];
        for (var n = 0; n < batch.Length; n++)
        {
            var strip = strips[batch[n]];
            var resizedWidth = Math.Clamp((int)MathF.Ceiling(InputHeight * Aspect(strip)), 1, contentWidth);
            using var resized = strip.Resize(
                new SKImageInfo(resizedWidth, InputHeight, SKColorType.Rgba8888, SKAlphaType.Opaque),
                new SKSamplingOptions(SKFilterMode.Linear));
            var pixels = resized.GetPixelSpan();
            inkColumns[n] = InkColumns.Find(pixels, resizedWidth, InputHeight, resized.RowBytes);
            var offset = n * 3 * plane;
            for (var y = 0; y < InputHeight; y++)
            {
                for (var x = 0; x < resizedWidth; x++)
                {
                    var p = (y * resized.RowBytes) + (x * 4);
                    var i = offset + (y * width) + x;
                    // BGR planes, as the model was trained; the right padding stays 0 (mid grey).
                    tensor.Data[i] = (pixels[p + 2] / 127.5f) - 1f;
                    tensor.Data[plane + i] = (pixels[p + 1] / 127.5f) - 1f;
                    tensor.Data[(2 * plane) + i] = (pixels[p] / 127.5f) - 1f;
                }
            }
        }

        return (tensor, inkColumns);
    }
}
