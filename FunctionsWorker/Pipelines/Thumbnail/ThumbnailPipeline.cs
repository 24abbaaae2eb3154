using System.Text.Json.Nodes;
using SkiaSharp;
using FunctionsWorker.Imaging;

namespace FunctionsWorker.Pipelines.Thumbnail;

/// <summary>
/// <c>thumbnail</c>: decode within the imaging limits, scale so the long side is at most <c>parameters.maxSide</c>
/// (never up), encode as PNG or JPEG. Needs no model.
/// </summary>
public sealed class ThumbnailPipeline(ImageDecoder decoder) : IPipeline
{
    public string Name => "thumbnail";

    public IReadOnlyCollection<string> RequiredModels => [];

    public async Task<PipelineResult> RunAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        var maxSide = context.Parameters.GetInt32("maxSide", 256, 1, 8192);
        var format = context.Parameters.GetChoice("format", "png", "png", "jpeg");
        var quality = context.Parameters.GetInt32("quality", 85, 1, 100);

        // The resized copy lives beside the source until it is encoded: both count against the memory budget.
        using var decoded = await decoder.DecodeAsync(context.Input, (w, h) => ResizedBytes(Fit(w, h, maxSide)), cancellationToken).ConfigureAwait(false);
        var source = decoded.Bitmap;
        cancellationToken.ThrowIfCancellationRequested();
        var (width, height) = Fit(source.Width, source.Height, maxSide);

        using var resized = source.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul),
            new SKSamplingOptions(SKCubicResampler.Mitchell));
        var image = ImageEncoder.Encode(resized, format, quality);
        var summary = new JsonObject
        {
            ["sourceWidth"] = source.Width,
            ["sourceHeight"] = source.Height,
            ["width"] = width,
            ["height"] = height,
            ["format"] = format,
            ["bytes"] = image.Content.ToMemory().Length,
        };
        return new PipelineResult(summary, [new PipelineOutput($"thumbnail.{image.Extension}", image.Content, image.ContentType)]);
    }

    private static (int Width, int Height) Fit(int width, int height, int maxSide)
    {
        var scale = Math.Min(1.0, (double)maxSide / Math.Max(width, height));
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    private static long ResizedBytes((int Width, int Height) size) => (long)size.Width * size.Height * 4;
}
