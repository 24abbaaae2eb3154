using Functions.Tests.Fixtures;
using FunctionsWorker.Inference;
using Microsoft.Extensions.Time.Testing;
using Microsoft.ML.OnnxRuntime;

namespace Functions.Tests.Unit.Inference;

/// <summary>
/// <see cref="ModelRunner.Saturated"/>, the signal that stops dynamic concurrency from adding slots, on a real runner
/// (an identity model, one slot, batches of two) whose slot is held by a batch leader waiting on a fake clock.
/// </summary>
public sealed class ModelRunnerSaturationTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Saturated_OnlyWhileMoreCallersWaitThanTheDeviceRunsAtOnce()
    {
        using var runner = new ModelRunner("identity", new InferenceSession(OnnxModelWriter.Identity(OnnxModelWriter.ImageShape)), 1,
            new BatchingSettings(2, TimeSpan.FromSeconds(1), new HashSet<int>()), _time);
        Assert.False(runner.Saturated);

        // Inputs of different sizes never share a run: the first holds the slot waiting for a partner, the next queue.
        List<Task<IReadOnlyDictionary<string, TensorData>>> calls = [runner.RunAsync(Input(8), CancellationToken.None), runner.RunAsync(Input(4), CancellationToken.None)];
        Assert.False(runner.Saturated);
        calls.Add(runner.RunAsync(Input(6), CancellationToken.None));
        Assert.True(runner.Saturated);

        for (var step = 0; step < 500 && !calls.TrueForAll(call => call.IsCompleted); step++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        Assert.All(calls, call => Assert.True(call.IsCompletedSuccessfully));
        Assert.False(runner.Saturated);
    }

    private static Dictionary<string, TensorData> Input(int size) => new() { ["x"] = TensorData.Create([1, 3, size, size]) };
}
