using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace Functions.Tests.Integration.Ocr;

/// <summary>OCR as a user runs it: the real worker, models from the catalog, an image in a blob, a job on the queue.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class OcrJobTests(AzuriteFixture azurite)
{
    private static readonly string Assets = Path.Combine(RepositoryPaths.Root, "node_modules", "@gutenye", "ocr-models", "assets");

    private static Dictionary<string, string?> OcrSettings() => new()
    {
        ["Pipelines:Ocr:Enabled"] = "true",
        ["Models:ocr-det:Source"] = "file://" + Path.Combine(Assets, "ch_PP-OCRv4_det_infer.onnx"),
        ["Models:ocr-rec:Source"] = "file://" + Path.Combine(Assets, "ch_PP-OCRv4_rec_infer.onnx"),
        ["Models:ocr-dict:Source"] = "file://" + Path.Combine(Assets, "ppocr_keys_v1.txt"),
        ["Inference:ModelCacheDirectory"] = Directory.CreateTempSubdirectory("ocr-cache-").FullName,
        ["Inference:Device"] = "cpu",
    };

    [Fact]
    public async Task OcrJob_ThroughAzurite_ResultJsonHoldsTheText_AndOverlay()
    {
        await using var worker = await TestWorker.StartAsync(azurite, OcrSettings());
        string[] lines = ["Invoice 2026-11-23", "Total due: 42.50 EUR"];
        await worker.Queue.UploadAsync("inputs", "scans/invoice.png", TextImageRenderer.Render(lines, 32, SKColors.Black, SKColors.White));
        await worker.Queue.SendAsync(JobQueue.Job("ocr-e2e-1", "ocr", "scans/invoice.png", new JsonObject { ["overlay"] = true }));

        await worker.Queue.WaitForStateAsync("ocr-e2e-1", TimeSpan.FromSeconds(120), "Succeeded");
        var result = (await worker.Queue.ReadResultAsync("ocr-e2e-1"))["result"]!;
        var text = result["text"]!.GetValue<string>();
        Assert.Equal(string.Join('\n', lines), text);
        Assert.Equal(2, result["lines"]!.AsArray().Count);
        Assert.All(result["lines"]!.AsArray(), line => Assert.Equal(4, line!["box"]!.AsArray().Count));
        var overlay = await worker.Queue.Blobs.GetBlobContainerClient("outputs").GetBlobClient("ocr-e2e-1/overlay.png").ExistsAsync();
        Assert.True(overlay.Value);

        var status = await worker.Http.GetFromJsonAsync<JsonObject>("/api/status");
        var models = status!["inference"]!["models"]!.AsArray();
        Assert.All(models, m => Assert.Equal("Ready", m!["state"]!.GetValue<string>()));
        Assert.Equal(3, models.Count);
        var dictionary = models.Single(m => m!["name"]!.GetValue<string>() == "ocr-dict")!;
        Assert.Equal("File", dictionary["kind"]!.GetValue<string>());
        Assert.Equal("28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7", dictionary["sha256"]!.GetValue<string>());
    }

    [Fact]
    public async Task OcrEnabled_WithoutItsModels_FailsStartup_NamingTheSetting()
    {
        var settings = OcrSettings();
        settings.Remove("Models:ocr-rec:Source");
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestWorker.StartAsync(azurite, settings));
        Assert.Contains("Models:ocr-rec:Source", error.Message, StringComparison.Ordinal);
    }
}
