using System.Security.Cryptography;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using FunctionsWorker.Inference;

namespace Functions.Tests.Unit;

public sealed class ModelStoreTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task LongDownload_LogsProgressEveryInterval()
    {
        var bytes = OnnxModelWriter.Identity();
        var clock = new FakeTimeProvider();
        var logger = new RecordingLogger<ModelStore>();
        var store = new ModelStore(
            [new SlowOpener(bytes, clock, chunk: 10, perChunk: TimeSpan.FromSeconds(4))],
            Options.Create(new InferenceOptions { ModelCacheDirectory = "cache" }),
            new HostingEnvironment { ContentRootPath = _root.Path },
            clock,
            logger);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var states = new List<ModelState>();

        var stored = await store.GetAsync("identity", ModelSource.Parse("blob://models/identity.onnx"), ModelKind.Onnx, sha256, null, states.Add, CancellationToken.None);

        Assert.Equal(sha256, stored.Sha256);
        Assert.Equal([ModelState.Fetching, ModelState.Fetching, ModelState.Verifying], states);
        var chunks = (bytes.Length + 9) / 10;
        var progress = logger.Lines.Where(line => line.Contains("fetched", StringComparison.Ordinal) && line.Contains(" of ", StringComparison.Ordinal)).ToList();

        // 4 s per chunk against a 10 s interval: a line after every third chunk.
        Assert.Equal(chunks / 3, progress.Count);
        Assert.Contains($"of {bytes.Length} bytes", progress[0]);
    }

    [Fact]
    public async Task StalePartials_OnlyThoseOfDeadOrUnnamedOwnersAreDeleted()
    {
        var bytes = OnnxModelWriter.Identity();
        var cache = Directory.CreateDirectory(_root.File("cache")).FullName;
        var live = Path.Combine(cache, "identity.onnx.1-0123abcd.partial");          // pid 1 runs as long as the container does
        var dead = Path.Combine(cache, "identity.onnx.2147483646-0123abcd.partial"); // no such process
        var unnamed = Path.Combine(cache, "identity.onnx.0123456789abcdef.partial");  // an older worker's temp file
        foreach (var partial in new[] { live, dead, unnamed })
        {
            await File.WriteAllBytesAsync(partial, bytes[..10]);
        }

        var store = new ModelStore(
            [new FakeSourceOpener(bytes)],
            Options.Create(new InferenceOptions { ModelCacheDirectory = "cache" }),
            new HostingEnvironment { ContentRootPath = _root.Path },
            TimeProvider.System,
            new RecordingLogger<ModelStore>());

        await store.GetAsync("identity", ModelSource.Parse("blob://models/identity.onnx"), ModelKind.Onnx,
            Convert.ToHexStringLower(SHA256.HashData(bytes)), null, _ => { }, CancellationToken.None);

        Assert.True(File.Exists(live));
        Assert.False(File.Exists(dead));
        Assert.False(File.Exists(unnamed));
    }

    /// <summary>Serves a few bytes per read and lets the fake clock run meanwhile, like a slow link.</summary>
    private sealed class SlowOpener(byte[] content, FakeTimeProvider clock, int chunk, TimeSpan perChunk) : IModelSourceOpener
    {
        public string Scheme => ModelSource.BlobScheme;

        public Task<ModelDownload> OpenAsync(ModelSource source, CancellationToken cancellationToken) =>
            Task.FromResult(new ModelDownload(new SlowStream(content, clock, chunk, perChunk), content.Length));

        private sealed class SlowStream(byte[] content, FakeTimeProvider clock, int chunk, TimeSpan perChunk) : MemoryStream(content, writable: false)
        {
            public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            {
                clock.Advance(perChunk);
                return ValueTask.FromResult(Read(buffer.Span[..Math.Min(chunk, buffer.Length)]));
            }
        }
    }
}
