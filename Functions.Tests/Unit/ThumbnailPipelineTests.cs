using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using SkiaSharp;
using FunctionsWorker.Imaging;
using FunctionsWorker.Pipelines;
using FunctionsWorker.Pipelines.Thumbnail;

namespace Functions.Tests.Unit;

public sealed class ThumbnailPipelineTests
{
    [Fact]
    public async Task JpegThumbnail_OfTransparentPng_IsFlattenedOnWhite_NotBlack()
    {
        using var transparent = new SKBitmap(new SKImageInfo(64, 64, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        transparent.Erase(SKColors.Transparent);
        using var png = transparent.Encode(SKEncodedImageFormat.Png, 100);
        var pipeline = new ThumbnailPipeline(new ImageDecoder(Options.Create(new ImagingOptions()), new MemoryBudget(new ImagingOptions().MemoryBudgetBytes)));

        var result = await pipeline.RunAsync(new PipelineContext
        {
            JobId = "t",
            InputName = "t.png",
            Input = BinaryData.FromBytes(png.ToArray()),
            Parameters = new PipelineParameters(new JsonObject { ["format"] = "jpeg", ["maxSide"] = 32 }),
        }, CancellationToken.None);

        var output = Assert.Single(result.Outputs);
        Assert.Equal("thumbnail.jpg", output.Name);
        using var decoded = SKBitmap.Decode(output.Content.ToArray());
        var pixel = decoded.GetPixel(16, 16);
        Assert.True(pixel.Red > 240 && pixel.Green > 240 && pixel.Blue > 240, $"expected white, got {pixel}");
    }
}
