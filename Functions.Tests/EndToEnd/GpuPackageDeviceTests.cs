using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Functions.Tests.Fixtures;
using SkiaSharp;

namespace Functions.Tests.EndToEnd;

/// <summary>
/// The worker built with the GPU package (Microsoft.ML.OnnxRuntime.Gpu.Linux) on a machine without the CUDA libraries:
/// its CUDA provider library is there but cannot load cuBLAS, cuDNN and the driver, and the loader's message says which.
/// </summary>
[Collection(AzuriteCollection.Name)]
[Trait(GpuFlavour.Category, GpuFlavour.Included)]
public sealed partial class GpuPackageDeviceTests(AzuriteFixture azurite)
{
    private static readonly string Assets = Path.Combine(RepositoryPaths.Root, "node_modules", "@gutenye", "ocr-models", "assets");

    [Fact]
    public async Task AutoDevice_GpuPackageWithoutCudaLibraries_ReadsOcrOnCpu_NamingTheMissingLibrary()
    {
        var settings = Settings("gpuauto", "auto");
        settings["Pipelines:Ocr:Enabled"] = "true";
        settings["Models:ocr-det:Source"] = "file://" + Path.Combine(Assets, "ch_PP-OCRv4_det_infer.onnx");
        settings["Models:ocr-rec:Source"] = "file://" + Path.Combine(Assets, "ch_PP-OCRv4_rec_infer.onnx");
        settings["Models:ocr-dict:Source"] = "file://" + Path.Combine(Assets, "ppocr_keys_v1.txt");
        var queue = new JobQueue(azurite.ConnectionString, settings["JobsQueueName"], settings["JobsTableName"]);
        string[] lines = ["Invoice 2026-11-23", "Total due: 42.50 EUR"];
        await queue.UploadAsync("inputs", "scans/invoice.png", TextImageRenderer.Render(lines, 32, SKColors.Black, SKColors.White));
        Assert.True(File.Exists(GpuFlavour.CudaProviderLibrary));
        await using var worker = WorkerProcess.StartBuild(GpuFlavour.Worker, settings, new Dictionary<string, string>());
        await queue.SendAsync(JobQueue.Job("gpu-auto-1", "ocr", "scans/invoice.png"));

        // A bound on the wait, not a benchmark: the OCR warm-up alone takes a minute on two busy cores.
        await queue.WaitForStateAsync("gpu-auto-1", TimeSpan.FromSeconds(240), "Succeeded");
        Assert.Equal(string.Join('\n', lines), (await queue.ReadResultAsync("gpu-auto-1"))["result"]!["text"]!.GetValue<string>());

        var inference = JsonNode.Parse(await worker.Http.GetStringAsync("/api/status"))!["inference"]!;
        var device = inference["device"]!;
        Assert.Equal("Auto", device["requested"]!.GetValue<string>());
        Assert.Equal("Cpu", device["effective"]!.GetValue<string>());
        var reason = device["reason"]!.GetValue<string>();
        Assert.StartsWith("auto: CUDA could not be started (Failed to load library ", reason, StringComparison.Ordinal);
        Assert.Contains(GpuFlavour.CudaProviderLibraryName, reason, StringComparison.Ordinal);
        Assert.Matches(MissingLibrary(), reason);
        Assert.DoesNotContain("onnxruntime_src", reason, StringComparison.Ordinal);
        var models = inference["models"]!.AsArray().Where(m => m!["kind"]!.GetValue<string>() == "Onnx").ToList();
        Assert.Equal(2, models.Count);
        Assert.All(models, m => Assert.Equal(("Ready", "Cpu"), (m!["state"]!.GetValue<string>(), m["device"]!.GetValue<string>())));
    }

    [Fact]
    public async Task CudaRequired_GpuPackageWithoutCudaLibraries_NotReadyNamingTheMissingLibrary_StaysUp()
    {
        var model = Path.Combine(Directory.CreateTempSubdirectory().FullName, "identity.onnx");
        await File.WriteAllBytesAsync(model, OnnxModelWriter.Identity());
        var settings = Settings("gpucuda", "cuda");
        settings["Models:gpu-only:Source"] = $"file://{model}";
        Assert.True(File.Exists(GpuFlavour.CudaProviderLibrary));
        await using var worker = WorkerProcess.StartBuild(GpuFlavour.Worker, settings, new Dictionary<string, string>());
        await WorkerProcessTests.WaitForHealthAsync(worker);

        var reasons = await worker.WaitForNotReadyReasonAsync("gpu-only", seconds: 60);
        Assert.Contains("Inference:Device is cuda", reasons, StringComparison.Ordinal);
        Assert.Matches(MissingLibrary(), reasons);

        var inference = JsonNode.Parse(await worker.Http.GetStringAsync("/api/status"))!["inference"]!;
        Assert.Null(inference["device"]!["effective"]);
        Assert.Matches(MissingLibrary(), inference["device"]!["reason"]!.GetValue<string>());
        var entry = inference["models"]!.AsArray().Single()!;
        Assert.Equal("Failed", entry["state"]!.GetValue<string>());
        Assert.Null(entry["device"]);
        Assert.Matches(MissingLibrary(), entry["error"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, (await worker.Http.GetAsync("/api/health")).StatusCode);
        Assert.False(worker.HasExited);
    }

    private Dictionary<string, string> Settings(string prefix, string device) => new()
    {
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["JobsQueueName"] = prefix + "-" + Guid.NewGuid().ToString("N")[..8],
        ["JobsTableName"] = prefix + Guid.NewGuid().ToString("N")[..10],
        ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.250",
        ["AzureFunctionsJobHost:worker:warmup:retryMinimum"] = "00:00:00.250",
        ["AzureFunctionsJobHost:worker:warmup:retryMaximum"] = "00:00:01",
        ["Inference:ModelCacheDirectory"] = Directory.CreateTempSubdirectory("gpu-models-").FullName,
        ["Inference:Device"] = device,
    };

    // The dynamic loader's own words for a dependency of the CUDA provider that is not there (libcublasLt.so.13 here).
    [GeneratedRegex(@"with error: lib[\w.+-]+\.so[\d.]*: cannot open shared object file")]
    private static partial Regex MissingLibrary();
}
