using System.Net;
using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;
using SkiaSharp;

namespace Functions.Tests.EndToEnd;

/// <summary>
/// Jobs through the real worker process, as the container runs it: SkiaSharp, ONNX Runtime, Azure Blobs, Queues and
/// Tables, the HTTP triggers. Also run against the native AOT binary (<see cref="NativeAot"/>).
/// </summary>
[Collection(AzuriteCollection.Name)]
[Trait(NativeAot.Category, NativeAot.Included)]
public sealed class WorkerProcessJobTests(AzuriteFixture azurite)
{
    private static readonly string Assets = Path.Combine(RepositoryPaths.Root, "node_modules", "@gutenye", "ocr-models", "assets");

    private Dictionary<string, string> Settings(string prefix) => new()
    {
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["JobsQueueName"] = prefix + "-" + Guid.NewGuid().ToString("N")[..8],
        ["JobsTableName"] = prefix + Guid.NewGuid().ToString("N")[..10],
        ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.250",
        ["Inference:ModelCacheDirectory"] = Directory.CreateTempSubdirectory("process-models-").FullName,
        ["Inference:Device"] = "cpu",
    };

    private JobQueue QueueFor(Dictionary<string, string> settings) => new(azurite.ConnectionString, settings["JobsQueueName"], settings["JobsTableName"]);

    [Fact]
    public async Task Process_RunsTheBuildUnderTest()
    {
        await using var worker = WorkerProcess.Start(Settings("exe"));
        await WorkerProcessTests.WaitForHealthAsync(worker);

        // The AOT run must really run the native binary: no dotnet host, no managed FunctionsWorker.dll loaded.
        var executable = new FileInfo($"/proc/{worker.Id}/exe").LinkTarget!;
        var maps = await File.ReadAllTextAsync($"/proc/{worker.Id}/maps");
        if (WorkerProcess.NativeBinary is { } native)
        {
            Assert.Equal(native, executable);
            Assert.DoesNotContain("libcoreclr.so", maps, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal("dotnet", Path.GetFileName(executable));
            Assert.Contains("libcoreclr.so", maps, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ThumbnailJob_OutputsResultJsonRecordReplyAndHttpTriggersAgree()
    {
        var settings = Settings("thumb");
        var replyQueue = "replies-" + Guid.NewGuid().ToString("N")[..8];
        settings["Storage:AllowedReplyQueues"] = replyQueue;
        var queue = QueueFor(settings);
        await queue.UploadAsync("inputs", "photos/cat.png", TestImages.Png(400, 200));
        await queue.CreateReplyQueueAsync(replyQueue);
        await using var worker = WorkerProcess.Start(settings);
        var job = JobQueue.Job("thumb-p1", "thumbnail", "photos/cat.png", new JsonObject { ["maxSide"] = 100 });
        job["replyTo"] = replyQueue;
        await queue.SendAsync(job);

        var record = await queue.WaitForStateAsync("thumb-p1", TimeSpan.FromSeconds(60), "Succeeded");
        Assert.Equal(1, record.GetInt64("Attempt"));
        Assert.Equal("thumbnail", record.GetString("Pipeline"));
        Assert.EndsWith($"-{worker.Id}", record.GetString("WorkerId"), StringComparison.Ordinal);

        var result = await queue.ReadResultAsync("thumb-p1");
        Assert.Equal("thumb-p1", result["jobId"]!.GetValue<string>());
        Assert.Equal("thumbnail", result["pipeline"]!.GetValue<string>());
        var output = Assert.Single(result["outputs"]!.AsArray())!;
        Assert.Equal("thumbnail.png", output["name"]!.GetValue<string>());
        Assert.Equal("image/png", output["contentType"]!.GetValue<string>());
        Assert.Equal((400, 200), (result["result"]!["sourceWidth"]!.GetValue<int>(), result["result"]!["sourceHeight"]!.GetValue<int>()));
        Assert.Equal((100, 50), (result["result"]!["width"]!.GetValue<int>(), result["result"]!["height"]!.GetValue<int>()));
        var png = (await queue.Blobs.GetBlobContainerClient("outputs").GetBlobClient("thumb-p1/thumbnail.png").DownloadContentAsync()).Value.Content;
        using (var bitmap = SKBitmap.Decode(png.ToArray()))
        {
            Assert.Equal((100, 50), (bitmap.Width, bitmap.Height));
        }

        var reply = JsonNode.Parse(Convert.FromBase64String((await queue.ReceiveReplyAsync(job["replyTo"]!.GetValue<string>())).MessageText))!;
        Assert.Equal(("thumb-p1", "Succeeded"), (reply["jobId"]!.GetValue<string>(), reply["state"]!.GetValue<string>()));
        Assert.EndsWith("/outputs/thumb-p1/result.json", reply["result"]!.GetValue<string>(), StringComparison.Ordinal);
        await queue.WaitForQueueEmptyAsync();

        // The HTTP triggers read the same record back from the table: one entity, a query, and the workers table.
        var http = JsonNode.Parse(await worker.Http.GetStringAsync("/api/jobs/thumb-p1"))!;
        Assert.Equal("Succeeded", http["state"]!.GetValue<string>());
        Assert.Equal(1, http["attempt"]!.GetValue<int>());
        Assert.EndsWith("/outputs/thumb-p1/result.json", http["outputUri"]!.GetValue<string>(), StringComparison.Ordinal);
        var list = JsonNode.Parse(await worker.Http.GetStringAsync("/api/jobs?state=Succeeded&pipeline=thumbnail"))!;
        Assert.Equal("thumb-p1", Assert.Single(list["jobs"]!.AsArray())!["jobId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await worker.Http.GetAsync("/api/jobs/thumb-none")).StatusCode);
        var status = JsonNode.Parse(await worker.Http.GetStringAsync("/api/status"))!;
        Assert.Equal(settings["JobsQueueName"], status["queue"]!["name"]!.GetValue<string>());
        Assert.Equal(1, status["counts"]!["Succeeded"]!.GetValue<int>());
        Assert.True(status["ready"]!.GetValue<bool>());
        await Eventually.HoldsAsync(async () => JsonNode.Parse(await worker.Http.GetStringAsync("/api/workers"))!.AsArray()
            .Any(w => w!["workerId"]!.GetValue<string>().EndsWith($"-{worker.Id}", StringComparison.Ordinal) && w["processed"]!.GetValue<int>() == 1));
    }

    [Fact]
    public async Task NotAnImage_IsPoisonedAtOnce_WithItsReason_AndTheOriginalText()
    {
        var settings = Settings("bad");
        var queue = QueueFor(settings);
        await queue.UploadAsync("inputs", "notes.txt", "not a picture"u8.ToArray());
        await using var worker = WorkerProcess.Start(settings);
        var body = JobQueue.Base64(JobQueue.Job("bad-p1", "thumbnail", "notes.txt").ToJsonString());
        await queue.SendRawAsync(body);

        var record = await queue.WaitForStateAsync("bad-p1", TimeSpan.FromSeconds(60), "Poisoned");
        Assert.Equal("not-an-image", record.GetString("ErrorType"));
        Assert.True(record.GetBoolean("Permanent"));
        Assert.Equal(1, record.GetInt64("Attempt"));
        Assert.Equal(body, Assert.Single(await queue.WaitForPoisonAsync(1)).MessageText);
        var poisoned = JsonNode.Parse(await worker.Http.GetStringAsync("/api/poison"))!.AsArray();
        Assert.Equal("not-an-image", Assert.Single(poisoned)!["errorType"]!.GetValue<string>());
    }

    [Fact]
    public async Task OcrJob_ReadsTheText_WithOnnxRuntime()
    {
        var settings = Settings("ocr");
        settings["Pipelines:Ocr:Enabled"] = "true";
        settings["Models:ocr-det:Source"] = "file://" + Path.Combine(Assets, "ch_PP-OCRv4_det_infer.onnx");
        settings["Models:ocr-rec:Source"] = "file://" + Path.Combine(Assets, "ch_PP-OCRv4_rec_infer.onnx");
        settings["Models:ocr-dict:Source"] = "file://" + Path.Combine(Assets, "ppocr_keys_v1.txt");
        var queue = QueueFor(settings);
        string[] lines = ["Invoice 2026-11-23", "Total due: 42.50 EUR"];
        await queue.UploadAsync("inputs", "scans/invoice.png", TextImageRenderer.Render(lines, 32, SKColors.Black, SKColors.White));
        await using var worker = WorkerProcess.Start(settings);
        await queue.SendAsync(JobQueue.Job("ocr-p1", "ocr", "scans/invoice.png", new JsonObject { ["overlay"] = true }));

        await queue.WaitForStateAsync("ocr-p1", TimeSpan.FromSeconds(120), "Succeeded");
        var result = (await queue.ReadResultAsync("ocr-p1"))["result"]!;
        Assert.Equal(string.Join('\n', lines), result["text"]!.GetValue<string>());
        Assert.Equal(2, result["lines"]!.AsArray().Count);
        Assert.All(result["boxes"]!.AsArray(), box => Assert.InRange(box!["confidence"]!.GetValue<double>(), 0.5, 1.0));
        var overlay = (await queue.Blobs.GetBlobContainerClient("outputs").GetBlobClient("ocr-p1/overlay.png").DownloadContentAsync()).Value.Content;
        using (var bitmap = SKBitmap.Decode(overlay.ToArray()))
        {
            Assert.Equal((result["width"]!.GetValue<int>(), result["height"]!.GetValue<int>()), (bitmap.Width, bitmap.Height));
        }

        var status = JsonNode.Parse(await worker.Http.GetStringAsync("/api/status"))!;
        Assert.Equal("Cpu", status["inference"]!["device"]!["effective"]!.GetValue<string>());
        var models = status["inference"]!["models"]!.AsArray();
        Assert.Equal(3, models.Count);
        Assert.All(models, m => Assert.Equal("Ready", m!["state"]!.GetValue<string>()));
    }
}
