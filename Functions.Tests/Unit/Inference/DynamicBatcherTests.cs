using Microsoft.Extensions.Time.Testing;
using Functions.Tests.Fixtures;
using FunctionsWorker.Inference;
using Microsoft.ML.OnnxRuntime;

namespace Functions.Tests.Unit.Inference;

/// <summary>The dynamic batcher with a fake clock and a fake model that returns ten times its input.</summary>
public sealed class DynamicBatcherTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(2);

    private readonly FakeTimeProvider _time = new();
    private readonly SemaphoreSlim _slots = new(1, 1);
    private readonly List<int[]> _runs = [];
    private readonly List<CancellationToken> _runTokens = [];

    /// <summary>When set, each run waits for it (so requests queue up behind a run in flight).</summary>
    private TaskCompletionSource? _gate;

    private Exception? _failure;

    [Fact]
    public async Task RequestsWithinMaxQueueDelay_AreBatched_UpToMaxBatchSize_AndSplitBackToTheirCallers()
    {
        var batcher = Create(maxBatchSize: 4);

        // The first caller takes the free slot and waits for its batch to fill; no time passes, so only size ends it.
        var calls = Enumerable.Range(1, 5).Select(i => batcher.RunAsync(Input(i, rows: 1), CancellationToken.None)).ToList();
        await CompleteAsync(calls);

        Assert.Equal([4, 1], _runs.Select(shape => shape[0]));
        for (var i = 0; i < calls.Count; i++)
        {
            AssertOwnResult(await calls[i], i + 1, rows: 1);
        }

        Assert.Equal(new Dictionary<int, long> { [1] = 1, [4] = 1 }, batcher.BatchSizes);
    }

    [Fact]
    public async Task RequestsOfSeveralRows_AreSplitBackByTheirRows()
    {
        var batcher = Create(maxBatchSize: 8);
        var blocker = Block(batcher);
        var calls = new[] { batcher.RunAsync(Input(1, rows: 2), CancellationToken.None), batcher.RunAsync(Input(2, rows: 3), CancellationToken.None) };
        await ReleaseAsync(blocker);
        await CompleteAsync(calls);

        Assert.Equal(5, _runs[^1][0]);
        AssertOwnResult(await calls[0], 1, rows: 2);
        AssertOwnResult(await calls[1], 2, rows: 3);
    }

    [Fact]
    public async Task DifferentShapes_AreNotBatchedTogether()
    {
        var batcher = Create(maxBatchSize: 8);
        var blocker = Block(batcher);
        var calls = new[]
        {
            batcher.RunAsync(Input(1, rows: 1, width: 3), CancellationToken.None),
            batcher.RunAsync(Input(2, rows: 1, width: 5), CancellationToken.None),
            batcher.RunAsync(Input(3, rows: 1, width: 3), CancellationToken.None),
            batcher.RunAsync(Input(4, rows: 1, width: 5), CancellationToken.None),
        };
        await ReleaseAsync(blocker);
        await CompleteAsync(calls);

        // After the blocker: one run per width, each of its two requests.
        Assert.Equal([[2, 3], [2, 5]], _runs.Skip(1).Select(shape => new[] { shape[0], shape[1] }));
        AssertOwnResult(await calls[0], 1, rows: 1, width: 3);
        AssertOwnResult(await calls[1], 2, rows: 1, width: 5);
        AssertOwnResult(await calls[2], 3, rows: 1, width: 3);
        AssertOwnResult(await calls[3], 4, rows: 1, width: 5);
    }

    [Fact]
    public async Task RequestCancelledWhileQueued_IsDroppedFromTheBatch_AndTheOthersSucceed()
    {
        var batcher = Create(maxBatchSize: 8);
        var blocker = Block(batcher);
        using var cancel = new CancellationTokenSource();
        var first = batcher.RunAsync(Input(1, rows: 1), CancellationToken.None);
        var cancelled = batcher.RunAsync(Input(2, rows: 1), cancel.Token);
        var last = batcher.RunAsync(Input(3, rows: 1), CancellationToken.None);
        await cancel.CancelAsync();
        await ReleaseAsync(blocker);
        await CompleteAsync([first, last]);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(2, _runs[^1][0]);
        AssertOwnResult(await first, 1, rows: 1);
        AssertOwnResult(await last, 3, rows: 1);
    }

    [Fact]
    public async Task RequestCancelledDuringTheRun_GetsCancelled_AndTheRunGoesOnForTheOthers()
    {
        var batcher = Create(maxBatchSize: 3);
        _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancel = new CancellationTokenSource();
        var calls = new[]
        {
            batcher.RunAsync(Input(1, rows: 1), CancellationToken.None),
            batcher.RunAsync(Input(2, rows: 1), cancel.Token),
            batcher.RunAsync(Input(3, rows: 1), CancellationToken.None),
        };
        await WaitUntilAsync(() => Runs() == 1);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => calls[1]);
        Assert.False(_runTokens[0].IsCancellationRequested);

        _gate.SetResult();
        AssertOwnResult(await calls[0], 1, rows: 1);
        AssertOwnResult(await calls[2], 3, rows: 1);
        Assert.Equal(3, _runs[0][0]);
    }

    [Fact]
    public async Task ErrorInTheBatchedRun_FailsEveryMember()
    {
        var batcher = Create(maxBatchSize: 3);
        _failure = new InvalidOperationException("device lost");
        var calls = Enumerable.Range(1, 3).Select(i => batcher.RunAsync(Input(i, rows: 1), CancellationToken.None)).ToList();
        await CompleteAsync(calls);

        Assert.Single(_runs);
        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => call);
            Assert.Equal("device lost", error.Message);
        }
    }

    [Fact]
    public async Task PreferredBatchSize_RunsWithoutWaitingOutTheDelay()
    {
        var batcher = Create(maxBatchSize: 8, preferred: [2]);
        var calls = new[] { batcher.RunAsync(Input(1, rows: 1), CancellationToken.None), batcher.RunAsync(Input(2, rows: 1), CancellationToken.None) };

        // No fake time passes: only the preferred size can have ended the wait.
        await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, _runs.Single()[0]);
    }

    [Fact]
    public async Task LoneRequest_RunsOnceTheDelayHasPassed()
    {
        var batcher = Create(maxBatchSize: 8);
        var call = batcher.RunAsync(Input(1, rows: 1), CancellationToken.None);
        await Task.Delay(50);
        Assert.False(call.IsCompleted);

        _time.Advance(Delay);
        AssertOwnResult(await call.WaitAsync(TimeSpan.FromSeconds(10)), 1, rows: 1);
    }

    [Fact]
    public async Task ZeroDelay_TheDefault_RunsALoneRequestAtOnce()
    {
        Assert.Equal(TimeSpan.Zero, new ModelOptions().MaxQueueDelay);
        var batcher = Create(maxBatchSize: new ModelOptions().MaxBatchSize, delay: TimeSpan.Zero);

        // No fake time passes: a lone request does not wait for company.
        AssertOwnResult(await batcher.RunAsync(Input(1, rows: 1), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)), 1, rows: 1);
        Assert.Equal(1, _runs.Single()[0]);
    }

    [Fact]
    public async Task ZeroDelay_MergesWhatQueuedWhileTheDeviceWasBusy()
    {
        var batcher = Create(maxBatchSize: 8, delay: TimeSpan.Zero);
        _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = batcher.RunAsync(Input(99, rows: 1, width: 1), CancellationToken.None);
        await WaitUntilAsync(() => Runs() == 1);

        var calls = Enumerable.Range(1, 3).Select(i => batcher.RunAsync(Input(i, rows: 2), CancellationToken.None)).ToList();
        var gate = _gate;
        _gate = null;
        gate.SetResult();

        // No fake time passes: the three that queued behind the busy device run as one batch of six rows.
        await Task.WhenAll([blocker, .. calls]).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([1, 6], _runs.Select(shape => shape[0]));
        for (var i = 0; i < calls.Count; i++)
        {
            AssertOwnResult(await calls[i], i + 1, rows: 2);
        }
    }

    [Fact]
    public void DefaultSettings_BatchAModelWithADynamicBatchAxis_AndNotAFixedShapeOne()
    {
        var defaults = new ModelOptions().Batching;
        using var dynamic = new ModelRunner("dynamic", new InferenceSession(OnnxModelWriter.Identity(OnnxModelWriter.ImageShape)), 1, defaults, _time);
        using var fixedShape = new ModelRunner("fixed", new InferenceSession(OnnxModelWriter.Identity("1", "3", "8", "8")), 1, defaults, _time);

        Assert.True(dynamic.Batching);
        Assert.False(fixedShape.Batching);
    }

    private DynamicBatcher Create(int maxBatchSize, int[]? preferred = null, TimeSpan? delay = null) =>
        new(RunAsync, _slots, new BatchingSettings(maxBatchSize, delay ?? Delay, (preferred ?? []).ToHashSet()), _time);

    private async Task<IReadOnlyDictionary<string, TensorData>> RunAsync(IReadOnlyDictionary<string, TensorData> inputs, CancellationToken cancellationToken)
    {
        var input = inputs["x"];
        lock (_runs)
        {
            _runs.Add(input.Shape);
            _runTokens.Add(cancellationToken);
        }

        if (_gate is { } gate)
        {
            await gate.Task;
        }

        await Task.Yield();
        if (_failure is { } failure)
        {
            throw failure;
        }

        return new Dictionary<string, TensorData> { ["y"] = new(Array.ConvertAll(input.Data, v => v * 10), input.Shape) };
    }

    private int Runs()
    {
        lock (_runs)
        {
            return _runs.Count;
        }
    }

    /// <summary>A request of its own shape whose run holds the only slot until <see cref="ReleaseAsync"/>.</summary>
    private Task Block(DynamicBatcher batcher)
    {
        _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return batcher.RunAsync(Input(99, rows: 1, width: 1), CancellationToken.None);
    }

    private async Task ReleaseAsync(Task blocker)
    {
        // The blocker is alone in its batch: let its delay pass, wait for its run, then let it finish.
        await WaitUntilAsync(() =>
        {
            _time.Advance(Delay);
            return Runs() == 1;
        });
        var gate = _gate!;
        _gate = null;
        gate.SetResult();
        await blocker.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Advances the fake clock a delay at a time until every call has completed.</summary>
    private async Task CompleteAsync(IEnumerable<Task> calls)
    {
        var all = Task.WhenAll(calls);
        await WaitUntilAsync(() =>
        {
            _time.Advance(Delay);
            return all.IsCompleted;
        });
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "the condition did not hold within 5 s");
    }

    /// <summary>Rows of <c>width</c> values, each value <c>id * 1000 + row * 10 + column</c>, so any mix-up shows.</summary>
    private static Dictionary<string, TensorData> Input(int id, int rows, int width = 3)
    {
        var data = new float[rows * width];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (id * 1000) + (i / width * 10) + (i % width);
        }

        return new Dictionary<string, TensorData> { ["x"] = new(data, [rows, width]) };
    }

    private static void AssertOwnResult(IReadOnlyDictionary<string, TensorData> result, int id, int rows, int width = 3)
    {
        var expected = Input(id, rows, width)["x"];
        Assert.Equal([rows, width], result["y"].Shape);
        Assert.Equal(Array.ConvertAll(expected.Data, v => v * 10), result["y"].Data);
    }
}
