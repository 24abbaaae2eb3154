using System.Security.Cryptography;
using System.Text;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using FunctionsWorker.Errors;
using FunctionsWorker.Inference;

namespace Functions.Tests.Integration;

/// <summary>The model cache against real ONNX Runtime and real files: file sources, and blob sources through a fake opener.</summary>
public sealed class ModelCacheTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task GoodModel_WarmsAndRuns_OutputIsInverted()
    {
        var model = WriteModel("invert.onnx", OnnxModelWriter.InvertColours());
        await using var host = await StartAsync(("invert", $"file://{model}", Sha256Of(model)));

        await host.Cache.WarmAsync(CancellationToken.None);

        var status = Assert.Single(host.Cache.GetSnapshot().Models);
        Assert.Equal(ModelState.Ready, status.State);
        Assert.Equal(Sha256Of(model), status.Sha256);
        Assert.Equal(new FileInfo(model).Length, status.Bytes);
        Assert.NotNull(status.LoadMs);
        Assert.NotNull(status.WarmupMs);
        Assert.Null(status.Error);
        // Folding ran and found nothing to rewrite in 1 - x.
        Assert.Equal(0, status.Folded);
        Assert.True(host.Cache.AllReady);

        var runner = host.Host.Services.GetRequiredService<IModelProvider>().GetRunner("invert");
        var input = new TensorData([0f, 0.25f, 0.5f, 1f, 0f, 0f, 0f, 0f, 1f, 1f, 1f, 1f], [1, 3, 2, 2]);
        var output = await runner.RunAsync(new Dictionary<string, TensorData> { ["x"] = input }, CancellationToken.None);

        var y = output["y"];
        Assert.Equal([1, 3, 2, 2], y.Shape);
        Assert.Equal([1f, 0.75f, 0.5f, 0f, 1f, 1f, 1f, 1f, 0f, 0f, 0f, 0f], y.Data);
    }

    [Fact]
    public async Task OcrRecogniser_LoadsFoldedByDefault_AndReadsAsTheUnfoldedFileDoes()
    {
        var source = $"file://{Path.Combine(RepositoryPaths.Root, "node_modules", "@gutenye", "ocr-models", "assets", "ch_PP-OCRv4_rec_infer.onnx")}";
        await using var folded = await StartAsync(("rec", source, null));
        await using var unfolded = await StartAsync(new Dictionary<string, string?> { ["Models:rec:FoldGraph"] = "false" }, ("rec", source, null));
        await Task.WhenAll(folded.Cache.WarmAsync(CancellationToken.None), unfolded.Cache.WarmAsync(CancellationToken.None));

        // PP-OCRv4's recogniser: 28 scale-and-shifts after convolutions, 28 hard-swishes, 12 before 1x1 convolutions.
        Assert.True(Assert.Single(folded.Cache.GetSnapshot().Models).Folded > 50);
        Assert.Null(Assert.Single(unfolded.Cache.GetSnapshot().Models).Folded);

        // A strip of noise: every class's probability at every step must agree, not only the best one's.
        var random = new Random(11);
        var data = new float[2 * 3 * 48 * 320];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (float)((random.NextDouble() * 2) - 1);
        }

        var input = new Dictionary<string, TensorData> { ["x"] = new(data, [2, 3, 48, 320]) };
        var expected = (await unfolded.Cache.GetRunner("rec").RunAsync(input, CancellationToken.None)).Values.Single();
        var actual = (await folded.Cache.GetRunner("rec").RunAsync(input, CancellationToken.None)).Values.Single();
        Assert.Equal(expected.Shape, actual.Shape);
        var worst = expected.Data.Zip(actual.Data, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst < 1e-4f, $"largest difference {worst}");
    }

    [Fact]
    public async Task AlphaMaskAndBlurModels_WarmAndRun_WithDeclaredShapes()
    {
        var mask = WriteModel("mask.onnx", OnnxModelWriter.AlphaMask());
        var blur = WriteModel("blur.onnx", OnnxModelWriter.Blur("1", "3", "H", "W"));
        await using var host = await StartAsync(("mask", $"file://{mask}", null), ("blur", $"file://{blur}", null));

        await host.Cache.WarmAsync(CancellationToken.None);

        var input = new Dictionary<string, TensorData> { ["x"] = new(new float[3 * 4 * 4], [1, 3, 4, 4]) };
        var alpha = (await host.Cache.GetRunner("mask").RunAsync(input, CancellationToken.None))["y"];
        Assert.Equal([1, 1, 4, 4], alpha.Shape);
        Assert.All(alpha.Data, value => Assert.Equal(0.5f, value, 5));
        var blurred = (await host.Cache.GetRunner("blur").RunAsync(input, CancellationToken.None))["y"];
        Assert.Equal([1, 3, 4, 4], blurred.Shape);
    }

    [Fact]
    public async Task FileSourceWithoutSha256_IsReady_AndReportsTheComputedHash()
    {
        var model = WriteModel("identity.onnx", OnnxModelWriter.Identity());
        await using var host = await StartAsync(("identity", $"file://{model}", null));

        await host.Cache.WarmAsync(CancellationToken.None);

        var status = Assert.Single(host.Cache.GetSnapshot().Models);
        Assert.Equal(ModelState.Ready, status.State);
        Assert.Equal(Sha256Of(model), status.Sha256);
    }

    [Fact]
    public async Task WrongSha256_ModelFailed_ErrorNamesBothHashes()
    {
        var model = WriteModel("invert.onnx", OnnxModelWriter.InvertColours());
        var expected = new string('a', 64);
        await using var host = await StartAsync(("invert", $"file://{model}", expected));

        var thrown = await Assert.ThrowsAsync<WorkerFaultException>(() => host.Cache.WarmAsync(CancellationToken.None));

        var status = Assert.Single(host.Cache.GetSnapshot().Models);
        Assert.Equal(ModelState.Failed, status.State);
        Assert.Contains(expected, status.Error);
        Assert.Contains(Sha256Of(model), status.Error);
        Assert.Contains("SHA-256 mismatch", thrown.Message);
        Assert.False(host.Cache.AllReady);
        var fault = Assert.Throws<WorkerFaultException>(() => host.Cache.GetRunner("invert"));
        Assert.Equal("model-not-ready", fault.ErrorType);
    }

    [Fact]
    public async Task GitLfsPointer_ModelFailed_SaysGitLfsPointer()
    {
        var pointer = _root.File("lfs.onnx");
        await File.WriteAllTextAsync(pointer,
            "version https://git-lfs.github.com/spec/v1\n" +
            "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n" +
            "size 12345678\n");
        await using var host = await StartAsync(("det", $"file://{pointer}", null));

        await Assert.ThrowsAsync<WorkerFaultException>(() => host.Cache.WarmAsync(CancellationToken.None));

        var status = Assert.Single(host.Cache.GetSnapshot().Models);
        Assert.Equal(ModelState.Failed, status.State);
        Assert.Contains("Git LFS pointer", status.Error);
        Assert.Contains("12345678", status.Error);
    }

    [Fact]
    public async Task TruncatedFileSource_ModelFailed_SaysTruncated()
    {
        var bytes = OnnxModelWriter.InvertColours();
        var model = WriteModel("short.onnx", bytes[..(bytes.Length - 10)]);
        await using var host = await StartAsync(("short", $"file://{model}", null));

        await Assert.ThrowsAsync<WorkerFaultException>(() => host.Cache.WarmAsync(CancellationToken.None));

        var status = Assert.Single(host.Cache.GetSnapshot().Models);
        Assert.Equal(ModelState.Failed, status.State);
        Assert.Contains("truncated", status.Error);
    }

    [Fact]
    public async Task OneBadModel_OthersStillServe_AndRetryDoesNotRefetchTheBadOne()
    {
        var good = WriteModel("good.onnx", OnnxModelWriter.Identity());
        var bad = WriteModel("bad.onnx", []);
        await using var host = await StartAsync(("good", $"file://{good}", null), ("bad", $"file://{bad}", null));

        await Assert.ThrowsAsync<WorkerFaultException>(() => host.Cache.WarmAsync(CancellationToken.None));
        var retry = await Assert.ThrowsAsync<WorkerFaultException>(() => host.Cache.WarmAsync(CancellationToken.None));

        Assert.Contains("bad: ", retry.Message);
        Assert.Contains("empty", retry.Message);
        Assert.NotNull(host.Cache.GetRunner("good"));
        var snapshot = host.Cache.GetSnapshot();
        Assert.False(snapshot.AllReady);
        Assert.Equal(ModelState.Ready, snapshot.Models.Single(m => m.Name == "good").State);
    }

    [Fact]
    public async Task AutoDevice_WithoutCuda_RunsOnCpu_AndSaysWhy()
    {
        var model = WriteModel("identity.onnx", OnnxModelWriter.Identity());
        await using var host = await StartAsync(
            new Dictionary<string, string?> { ["Inference:Device"] = "auto" },
            ("identity", $"file://{model}", null));

        await host.Cache.WarmAsync(CancellationToken.None);

        var snapshot = host.Cache.GetSnapshot();
        Assert.Equal(InferenceDevice.Auto, snapshot.Device.Requested);
        Assert.Equal(InferenceDevice.Cpu, snapshot.Device.Effective);
        Assert.Contains("CUDA", snapshot.Device.Reason);
        Assert.Equal(InferenceDevice.Cpu, Assert.Single(snapshot.Models).Device);
    }

    [Fact]
    public async Task CudaRequired_WithoutCuda_ModelFailedWithTheReason_NoSessionOnCpu()
    {
        var model = WriteModel("identity.onnx", OnnxModelWriter.Identity());
        var dictionary = WriteModel("keys.txt", "a\nb\n"u8.ToArray());
        await using var host = await StartAsync(
            new Dictionary<string, string?> { ["Inference:Device"] = "cuda" },
            ("identity", $"file://{model}", null),
            ("keys", $"file://{dictionary}", null));

        var thrown = await Assert.ThrowsAsync<WorkerFaultException>(() => host.Cache.WarmAsync(CancellationToken.None));

        var snapshot = host.Cache.GetSnapshot();
        Assert.Equal(InferenceDevice.Cuda, snapshot.Device.Requested);
        Assert.Null(snapshot.Device.Effective);
        var failed = snapshot.Models.Single(m => m.Name == "identity");
        Assert.Equal(ModelState.Failed, failed.State);
        Assert.Null(failed.Device);
        Assert.Contains("Inference:Device is cuda", failed.Error);
        Assert.Contains("CUDAExecutionProvider", failed.Error);
        Assert.Contains("identity", thrown.Message);
        Assert.False(host.Cache.AllReady);
        Assert.Equal("model-not-ready", Assert.Throws<WorkerFaultException>(() => host.Cache.GetRunner("identity")).ErrorType);

        // A file needs no device: it is ready all the same.
        Assert.Equal(ModelState.Ready, snapshot.Models.Single(m => m.Name == "keys").State);
    }

    [Fact]
    public async Task FileEntry_IsVerifiedAndCached_ButNeverLoadedIntoASession()
    {
        var content = "a\nb\nc\n"u8.ToArray();
        var source = WriteModel("keys.txt", content);
        await using var host = await StartAsync(("ocr-dict", $"file://{source}", Sha256Of(content)));

        await host.Cache.WarmAsync(CancellationToken.None);

        var status = Assert.Single(host.Cache.GetSnapshot().Models);
        Assert.Equal(ModelKind.File, status.Kind);
        Assert.Equal(ModelState.Ready, status.State);
        Assert.Null(status.LoadMs);
        var path = host.Cache.GetFilePath("ocr-dict");
        Assert.Equal(Path.Combine(_root.File("cache"), "ocr-dict.txt"), path);
        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Equal("model-not-configured", Assert.Throws<WorkerFaultException>(() => host.Cache.GetRunner("ocr-dict")).ErrorType);
    }

    [Fact]
    public async Task BlobSourceWithoutSha256_FailsAtStartup_NamingTheSetting()
    {
        var host = ModelCacheHost.Create(_root.Path, Settings(("det", "blob://models/det.onnx", null)));

        var thrown = await Assert.ThrowsAsync<OptionsValidationException>(() => host.Host.StartAsync());

        Assert.Contains("Models:det:Sha256", thrown.Message);
        host.Host.Dispose();
    }

    [Fact]
    public async Task InvalidSource_FailsAtStartup_NamingTheSetting()
    {
        var host = ModelCacheHost.Create(_root.Path, Settings(("det", "ftp://example.com/det.onnx", null)));

        var thrown = await Assert.ThrowsAsync<OptionsValidationException>(() => host.Host.StartAsync());

        Assert.Contains("Models:det:Source", thrown.Message);
        Assert.Contains("blob://<container>/<path>, file://<path>, https://<url>", thrown.Message);
        host.Host.Dispose();
    }

    [Fact]
    public async Task RequiredModelMissingFromCatalog_ValidationNamesTheMissingSetting()
    {
        var model = WriteModel("identity.onnx", OnnxModelWriter.Identity());
        await using var host = await StartAsync(("ocr-det", $"file://{model}", null));
        var catalog = host.Host.Services.GetRequiredService<IOptions<ModelCatalogOptions>>().Value;

        catalog.ValidateRequiredModels(["ocr-det", "OCR-DET"]);
        var thrown = Assert.Throws<OptionsValidationException>(() => catalog.ValidateRequiredModels(["ocr-det", "ocr-rec"]));

        Assert.Contains("Models:ocr-rec:Source", thrown.Message);
        Assert.DoesNotContain("ocr-det", thrown.Message);
        var fault = Assert.Throws<WorkerFaultException>(() => host.Cache.GetRunner("ocr-rec"));
        Assert.Equal("model-not-configured", fault.ErrorType);
    }

    [Fact]
    public async Task SourceThrowsMidway_NoFileUnderTheFinalName_AndStalePartialsAreCleanedOnNextStart()
    {
        var bytes = OnnxModelWriter.InvertColours();
        var cache = _root.File("cache");
        Directory.CreateDirectory(cache);
        var stale = Path.Combine(cache, "invert.onnx.0123456789abcdef.partial");
        await File.WriteAllBytesAsync(stale, bytes[..20]);
        var opener = new FakeSourceOpener(bytes, failAfterBytes: bytes.Length / 2);
        await using var host = await StartAsync(
            [("invert", "blob://models/invert.onnx", Sha256Of(bytes))],
            services => services.AddSingleton<IModelSourceOpener>(opener));

        await Assert.ThrowsAsync<WorkerFaultException>(() => host.Cache.WarmAsync(CancellationToken.None));

        var status = Assert.Single(host.Cache.GetSnapshot().Models);
        Assert.Equal(ModelState.Failed, status.State);
        Assert.Contains("download of blob://models/invert.onnx failed", status.Error);
        Assert.Equal(1, opener.Opened);
        Assert.DoesNotContain(Directory.GetFiles(cache), file => !file.EndsWith(".lock", StringComparison.Ordinal));

        // The failure may pass: the next warm-up pass fetches again and succeeds.
        opener.FailAfterBytes = null;
        await host.Cache.WarmAsync(CancellationToken.None);
        Assert.Equal(ModelState.Ready, host.Cache.GetSnapshot().Models[0].State);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(cache, "invert.onnx")));
        Assert.DoesNotContain(Directory.GetFiles(cache), file => file.EndsWith(".partial", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SourceShorterThanDeclared_ModelFailed_SaysTruncated_NothingCached()
    {
        var bytes = OnnxModelWriter.InvertColours();
        var opener = new FakeSourceOpener(bytes[..(bytes.Length / 2)], declaredLength: bytes.Length);
        await using var host = await StartAsync(
            [("invert", "blob://models/invert.onnx", Sha256Of(bytes))],
            services => services.AddSingleton<IModelSourceOpener>(opener));

        await Assert.ThrowsAsync<WorkerFaultException>(() => host.Cache.WarmAsync(CancellationToken.None));

        var status = Assert.Single(host.Cache.GetSnapshot().Models);
        Assert.Contains("truncated", status.Error);
        Assert.DoesNotContain(Directory.GetFiles(_root.File("cache")), file => !file.EndsWith(".lock", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CorruptCachedCopy_IsDeleted_AndFetchedOnceMore()
    {
        var bytes = OnnxModelWriter.InvertColours();
        var opener = new FakeSourceOpener(bytes);
        var cache = _root.File("cache");
        Directory.CreateDirectory(cache);
        await File.WriteAllBytesAsync(Path.Combine(cache, "invert.onnx"), bytes[..(bytes.Length - 5)]);
        await using var host = await StartAsync(
            [("invert", "blob://models/invert.onnx", Sha256Of(bytes))],
            services => services.AddSingleton<IModelSourceOpener>(opener));

        await host.Cache.WarmAsync(CancellationToken.None);

        var status = Assert.Single(host.Cache.GetSnapshot().Models);
        Assert.Equal(ModelState.Ready, status.State);
        Assert.False(status.FromCache);
        Assert.Equal(1, opener.Opened);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(cache, "invert.onnx")));
    }

    private Task<ModelCacheHost> StartAsync(params (string Name, string Source, string? Sha256)[] models) =>
        StartAsync(new Dictionary<string, string?>(), models);

    private Task<ModelCacheHost> StartAsync(IDictionary<string, string?> extra, params (string Name, string Source, string? Sha256)[] models)
    {
        var settings = Settings(models);
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return ModelCacheHost.StartAsync(_root.Path, settings);
    }

    private Task<ModelCacheHost> StartAsync((string Name, string Source, string? Sha256)[] models, Action<IServiceCollection> configure) =>
        ModelCacheHost.StartAsync(_root.Path, Settings(models), configure: configure);

    private static Dictionary<string, string?> Settings(params (string Name, string Source, string? Sha256)[] models)
    {
        var settings = new Dictionary<string, string?>();
        foreach (var (name, source, sha256) in models)
        {
            settings[$"Models:{name}:Source"] = source;
            if (sha256 is not null)
            {
                settings[$"Models:{name}:Sha256"] = sha256;
            }
        }

        return settings;
    }

    private string WriteModel(string fileName, byte[] bytes)
    {
        var path = _root.File(fileName);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string Sha256Of(string path) => Sha256Of(File.ReadAllBytes(path));

    private static string Sha256Of(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
