using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using FunctionsWorker.Errors;
using FunctionsWorker.Health;
using FunctionsWorker.Inference;

namespace Functions.Tests.Integration;

public sealed class InferenceRegistrationTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task AddInference_OneCacheServesAsProviderAndWarmupTask_AndShutdownDisposesIt()
    {
        var model = _root.File("identity.onnx");
        await File.WriteAllBytesAsync(model, OnnxModelWriter.Identity());
        var host = await ModelCacheHost.StartAsync(_root.Path, new Dictionary<string, string?> { ["Models:identity:Source"] = $"file://{model}" });
        var cache = host.Cache;

        Assert.Same(cache, host.Host.Services.GetRequiredService<IModelProvider>());
        Assert.Same(cache, host.Host.Services.GetRequiredService<IInferenceLoad>());
        var warmup = Assert.Single(host.Host.Services.GetServices<IWarmupTask>());
        Assert.Same(cache, warmup);
        await warmup.WarmAsync(CancellationToken.None);
        var runner = cache.GetRunner("identity");

        await host.DisposeAsync();

        var input = new Dictionary<string, TensorData> { ["x"] = TensorData.Create([1, 3, 2, 2]) };
        var runFault = await Assert.ThrowsAsync<WorkerFaultException>(() => runner.RunAsync(input, CancellationToken.None));
        Assert.Equal("model-not-ready", runFault.ErrorType);

        var fault = Assert.Throws<WorkerFaultException>(() => cache.GetRunner("identity"));
        Assert.Equal("model-not-ready", fault.ErrorType);
        Assert.False(cache.AllReady);
    }

    [Fact]
    public async Task EmptyCatalog_IsReady_OnCpuWhenAsked()
    {
        await using var host = await ModelCacheHost.StartAsync(_root.Path, new Dictionary<string, string?> { ["Inference:Device"] = "cpu" });

        await host.Cache.WarmAsync(CancellationToken.None);

        var snapshot = host.Cache.GetSnapshot();
        Assert.True(snapshot.AllReady);
        Assert.Empty(snapshot.Models);
        Assert.Equal(new DeviceStatus(InferenceDevice.Cpu, InferenceDevice.Cpu, "Inference:Device is cpu"), snapshot.Device);
    }

    [Fact]
    public async Task Snapshot_SerializesStatesAndDevicesAsNames()
    {
        await using var host = await ModelCacheHost.StartAsync(_root.Path, new Dictionary<string, string?>
        {
            ["Models:det:Source"] = "file://missing.onnx",
        });
        await Assert.ThrowsAsync<WorkerFaultException>(() => host.Cache.WarmAsync(CancellationToken.None));

        var json = System.Text.Json.JsonSerializer.Serialize(host.Cache.GetSnapshot());

        Assert.Contains("\"State\":\"Failed\"", json);
        Assert.Contains("\"Requested\":\"Auto\"", json);
        Assert.Contains("there is no file at", json);
    }
}
