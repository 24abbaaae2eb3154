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

    public Task<PipelineResult> RunAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        var maxSide = context.Parameters.GetInt32("maxSide", 256, 1, 8192);
        var format = context.Parameters.GetChoice("format", "png", "png", "jpeg");
        var quality = context.Parameters.GetInt32("quality", 85, 1, 100);

        using var source = decoder.Decode(context.Input);
        cancellationToken.ThrowIfCancellationRequested();
        var scale = Math.Min(1.0, (double)maxSide / Math.Max(source.Width, source.Height));
        var width = Math.Max(1, (int)Math.Round(source.Width * scale));
        var height = Math.Max(1, (int)Math.Round(source.Height * scale));

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
        return Task.FromResult(new PipelineResult(summary, [new PipelineOutput($"thumbnail.{image.Extension}", image.Content, image.ContentType)]));
    }
}
