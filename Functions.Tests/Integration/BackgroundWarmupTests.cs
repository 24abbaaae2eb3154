using System.Security.Cryptography;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.OnnxRuntime;
using FunctionsWorker.Inference;

namespace Functions.Tests.Integration;

/// <summary>
/// Readiness waits for a model's most common shape only; the rest warm after ready, in the background, and give way to
/// jobs. Real ONNX Runtime sessions: generated models and the PP-OCRv4 detector.
/// </summary>
public sealed class BackgroundWarmupTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Ready_AfterTheFirstShape_TheRestWarmInTheBackground()
    {
        var shapes = new FixedShapes([1, 3, 8, 8], [1, 3, 64, 48], [1, 3, 32, 96], [2, 3, 16, 16]);
        await using var host = await StartAsync("blur.onnx", OnnxModelWriter.Blur("N", "3", "H", "W"), shapes);

        await host.Cache.WarmAsync(CancellationToken.None);

        var ready = Assert.Single(host.Cache.GetSnapshot().Models);
        Assert.Equal(ModelState.Ready, ready.State);
        Assert.InRange(ready.BackgroundShapesLeft ?? -1, 0, 3);
        // The worker's BackgroundWarmupService (started with the host) works the three through while the model is idle.
        var left = await PollAsync(() => host.Cache.GetSnapshot().Models[0].BackgroundShapesLeft, n => n == 0);
        Assert.Equal(0, left);
        Assert.Equal(ModelState.Ready, host.Cache.GetSnapshot().Models[0].State);
    }

    [Fact]
    public async Task ABackgroundShapeTheModelRejects_NeverHoldsReadinessBack()
    {
        // Rank 3 for a rank-4 model: a warm-up of every shape before ready would fail the model.
        var shapes = new FixedShapes([1, 3, 8, 8], [3, 8, 8]);
        await using var host = await StartAsync("blur.onnx", OnnxModelWriter.Blur("N", "3", "H", "W"), shapes);

        await host.Cache.WarmAsync(CancellationToken.None);

        Assert.True(host.Cache.AllReady);
        var left = await PollAsync(() => host.Cache.GetSnapshot().Models[0].BackgroundShapesLeft, n => n == 0);
        Assert.Equal(0, left);
        var status = Assert.Single(host.Cache.GetSnapshot().Models);
        Assert.Equal(ModelState.Ready, status.State);
        Assert.Null(status.Error);
    }

    [Fact]
    public async Task IdleRun_GivesWayToAJob_AndTheJobRuns()
    {
        using var runner = DetectorRunner();
        // Large enough to run for seconds on two cores, so the job arrives while it runs.
        var idle = runner.TryRunWhenIdleAsync(DetectorInput(2560, 2560), CancellationToken.None);
        await PollAsync(() => runner.IdleRunInFlight || idle.IsCompleted, started => started);
        Assert.False(idle.IsCompleted, "the idle run finished before the job arrived: the test proves nothing");

        var job = runner.RunAsync(DetectorInput(64, 64), CancellationToken.None);

        Assert.False(await idle);
        var output = (await job)[runner.Outputs[0]];
        Assert.Equal([1, 1, 64, 64], output.Shape);
    }

    [Fact]
    public async Task IdleRun_WhileAJobHoldsTheModel_DoesNotRun()
    {
        using var runner = DetectorRunner();
        var job = runner.RunAsync(DetectorInput(640, 640), CancellationToken.None);

        Assert.False(await runner.TryRunWhenIdleAsync(DetectorInput(64, 64), CancellationToken.None));

        var output = (await job)[runner.Outputs[0]];
        Assert.Equal([1, 1, 640, 640], output.Shape);
        // Idle again: now it runs.
        Assert.True(await runner.TryRunWhenIdleAsync(DetectorInput(64, 64), CancellationToken.None));
    }

    private static ModelRunner DetectorRunner() => new(
        "ocr-det",
        new InferenceSession(Path.Combine(RepositoryPaths.Root, "node_modules", "@gutenye", "ocr-models", "assets", "ch_PP-OCRv4_det_infer.onnx")),
        1);

    private static Dictionary<string, TensorData> DetectorInput(int width, int height)
    {
        var tensor = TensorData.Create([1, 3, height, width]);
        Array.Fill(tensor.Data, 0.5f);
        return new Dictionary<string, TensorData> { ["x"] = tensor }; // PP-OCR names its input x
    }

    private async Task<ModelCacheHost> StartAsync(string fileName, byte[] model, IModelWarmupShapes shapes)
    {
        var path = _root.File(fileName);
        await File.WriteAllBytesAsync(path, model);
        var settings = new Dictionary<string, string?>
        {
            ["Models:blur:Source"] = $"file://{path}",
            ["Models:blur:Sha256"] = Convert.ToHexStringLower(SHA256.HashData(model)),
        };
        return await ModelCacheHost.StartAsync(_root.Path, settings, configure: services => services.AddSingleton(shapes));
    }

    private static async Task<T> PollAsync<T>(Func<T> read, Func<T, bool> done)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (true)
        {
            var value = read();
            if (done(value))
            {
                return value;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
        }
    }

    private sealed class FixedShapes(params int[][] shapes) : IModelWarmupShapes
    {
        public IEnumerable<IReadOnlyDictionary<string, int[]>> For(string modelName, IReadOnlyDictionary<string, int[]> declaredInputs) =>
            shapes.Select(shape => (IReadOnlyDictionary<string, int[]>)new Dictionary<string, int[]> { [declaredInputs.Keys.First()] = shape });
    }
}
