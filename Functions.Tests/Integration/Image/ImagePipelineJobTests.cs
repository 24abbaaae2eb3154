using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;
using SkiaSharp;

namespace Functions.Tests.Integration.Image;

/// <summary>The <c>image</c> pipeline through the real worker host, a file-source model and Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ImagePipelineJobTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task InvertJob_FlowsFromQueueToOutputPng_WithInvertedPixels()
    {
        var model = _root.File("invert.onnx");
        await File.WriteAllBytesAsync(model, OnnxModelWriter.InvertColours());
        await using var worker = await TestWorker.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Inference:ModelCacheDirectory"] = _root.File("cache"),
            ["Models:invert:Source"] = $"file://{model}",
            ["Pipelines:Image:Enabled"] = "true",
            ["Pipelines:Image:Models:invert:SizeMultiple"] = "8",
            ["Pipelines:Image:Models:invert:Output"] = "image",
        });
        var colour = new SKColor(200, 100, 30);
        await worker.Queue.UploadAsync("inputs", "photos/orange.png", TestImages.Png(60, 40, colour));
        await worker.Queue.SendAsync(JobQueue.Job("image-1", "image", "photos/orange.png", new JsonObject { ["model"] = "invert" }));

        var record = await worker.Queue.WaitForStateAsync("image-1", Wait, "Succeeded", "Poisoned", "Released");
        Assert.Equal("Succeeded", record.GetString("State"));
        var result = (await worker.Queue.ReadResultAsync("image-1"))["result"]!;
        Assert.Equal("invert", result["model"]!.GetValue<string>());
        Assert.Equal((60, 40), (result["width"]!.GetValue<int>(), result["height"]!.GetValue<int>()));
        Assert.Equal((64, 40), (result["modelWidth"]!.GetValue<int>(), result["modelHeight"]!.GetValue<int>()));

        var png = (await worker.Queue.Blobs.GetBlobContainerClient("outputs").GetBlobClient("image-1/output.png").DownloadContentAsync()).Value.Content;
        using var bitmap = SKBitmap.Decode(png.ToArray());
        Assert.Equal((60, 40), (bitmap.Width, bitmap.Height));
        var corner = bitmap.GetPixel(1, 1);
        Assert.InRange(corner.Red, 54, 56);
        Assert.InRange(corner.Green, 154, 156);
        Assert.InRange(corner.Blue, 224, 226);

        // TestImages draws a navy square in the middle: inverted, it is a light yellow.
        var centre = bitmap.GetPixel(30, 20);
        Assert.InRange(centre.Red, 254, 255);
        Assert.InRange(centre.Blue, 126, 128);
    }
}
