using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using FunctionsWorker.Pipelines;
using FunctionsWorker.Triggers.Queue;
using FunctionsWorker.State;

namespace Functions.Tests.Integration;

/// <summary>
/// Dynamic concurrency in the real worker against Azurite: a long backlog of jobs that only wait (they scale, so the
/// limit climbs), then slow jobs that need a device of two slots (the rest queue for it, as for a full model runner).
/// The worker must come back down and hold no more than what the device runs plus the controller's margin and the
/// prefetch. It runs alone, on its own Azurite: the controller reads throughput, and the parallel suite's load on two
/// cores would be read as the jobs' own cost.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class DynamicConcurrencyTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();

    public Task InitializeAsync() => _azurite.InitializeAsync();

    public Task DisposeAsync() => _azurite.StopAsync();

    private const int FastJobs = 600;
    private const int SlowJobs = 150;
    private const int DeviceSlots = 2;

    // Probes go at most two slots above the capacity; one message more is prefetched.
    private const int HeldBound = DeviceSlots + 2 + ConcurrencyController.Prefetch;

    [Fact]
    public async Task SlowJobsAfterAFastBacklog_HeldMessagesComeDownToTheDeviceCapacity_AndStayThere()
    {
        using var device = new SemaphoreSlim(DeviceSlots);
        var fast = new ScriptedPipeline("fast", ct => Task.Delay(150, ct));
        var slow = new ScriptedPipeline("slow", async ct =>
        {
            await device.WaitAsync(ct);
            try
            {
                await Task.Delay(600, ct);
            }
            finally
            {
                device.Release();
            }
        });
        await using var worker = await TestWorker.StartAsync(_azurite, services: s =>
        {
            s.AddSingleton<IPipeline>(fast);
            s.AddSingleton<IPipeline>(slow);
        });
        var state = worker.Services.GetRequiredService<WorkerState>();
        await worker.Queue.UploadAsync("inputs", "x.bin", [1]);
        await SendAsync(worker.Queue, "fast", FastJobs);
        await SendAsync(worker.Queue, "slow", SlowJobs);

        // The limit while the fast jobs run; then held messages and the limit while the slow ones run, until only a
        // held-bound's worth is left.
        var peakFastLimit = 0;
        var samples = new List<(int Held, int Limit)>();
        using (var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10)))
        {
            for (; slow.Runs == 0; await Task.Delay(100, deadline.Token))
            {
                peakFastLimit = Math.Max(peakFastLimit, state.Concurrency);
            }

            for (; slow.Runs < SlowJobs - HeldBound; await Task.Delay(100, deadline.Token))
            {
                samples.Add((state.InFlight, state.Concurrency));
            }
        }

        var trace = string.Join(" ", samples.Select(sample => $"{sample.Held}/{sample.Limit}"));
        Assert.True(peakFastLimit > DeviceSlots + 2, $"the fast jobs only reached limit {peakFastLimit}: nothing to come down from");
        // Settled: after the last sample whose limit is above what probing allows (capacity + 2), from the first whose
        // held messages are within the bound (jobs started under the higher limit finish; a running job is not
        // stopped). On a loaded machine the descent takes a few windows; once down, held messages must stay within
        // the bound, over a real stretch.
        var lowered = samples.FindLastIndex(sample => sample.Limit > DeviceSlots + 2) + 1;
        var settled = samples.FindIndex(lowered, sample => sample.Held <= HeldBound) is var first and >= 0 ? first : samples.Count;
        Assert.True(samples.Count - settled >= 20, $"the limit came down to {DeviceSlots + 2} only at the end (held/limit, fast phase ended at limit {peakFastLimit}): {trace}");
        Assert.True(samples.Skip(settled).All(sample => sample.Held <= HeldBound), $"held rose above {HeldBound} after the limit came down: {trace}");
        Assert.InRange(samples[^1].Limit, 1, DeviceSlots + 2);

        // Every job ran (a redelivery after a lapsed lease on a loaded machine may run one twice: at least once each).
        await Eventually.HoldsAsync(() => Task.FromResult(slow.Runs >= SlowJobs && state.InFlight == 0), 300);
        Assert.True(fast.Runs >= FastJobs, $"{fast.Runs} fast runs for {FastJobs} jobs");
        Assert.True(slow.Runs >= SlowJobs, $"{slow.Runs} slow runs for {SlowJobs} jobs");
    }

    private static async Task SendAsync(JobQueue queue, string pipeline, int count)
    {
        for (var first = 0; first < count; first += 25)
        {
            await Task.WhenAll(Enumerable.Range(first, Math.Min(25, count - first))
                .Select(i => queue.SendAsync(JobQueue.Job($"{pipeline}-{i}", pipeline, "x.bin"))));
        }
    }
}
