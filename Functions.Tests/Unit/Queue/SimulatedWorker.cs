using FunctionsWorker.Triggers.Queue;
using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Unit.Queue;

/// <summary>
/// A worker on a fake clock for the concurrency controller, with the listener's rules: adjust before each fetch, hold
/// at most <see cref="ConcurrencyController.Capacity"/> messages, start at most <see cref="ConcurrencyController.Limit"/>.
/// The backlog never ends; each job's kind runs its capacity at once at full speed and shares that speed among more,
/// as jobs share a full model runner or the cores. Work varies ±30% per job, from a fixed seed.
/// </summary>
internal sealed class SimulatedWorker(ConcurrencyController controller, FakeTimeProvider time, Func<int, JobKind> kindOf)
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(1);

    private readonly Random _jitter = new(17);
    private readonly List<Job> _running = [];
    private readonly Queue<Job> _waiting = new();
    private readonly Dictionary<JobKind, int> _completed = [];

    public int Fetched { get; private set; }

    public int Completed => _completed.Values.Sum();

    public int Running => _running.Count;

    public int CompletedOf(JobKind kind) => _completed.GetValueOrDefault(kind);

    public List<Sample> Run(TimeSpan duration) => RunUntil(() => false, duration);

    /// <summary>Runs until <paramref name="done"/> or <paramref name="longest"/>; the limit and the held messages once a second.</summary>
    public List<Sample> RunUntil(Func<bool> done, TimeSpan longest)
    {
        var samples = new List<Sample>();
        var end = time.GetUtcNow() + longest;
        var nextSample = time.GetUtcNow();
        while (time.GetUtcNow() < end && !done())
        {
            Listen();
            if (time.GetUtcNow() >= nextSample)
            {
                samples.Add(new Sample(controller.Limit, _running.Count + _waiting.Count));
                nextSample += SampleEvery;
            }

            Work();
        }

        return samples;
    }

    private void Listen()
    {
        controller.Adjust(throttled: false);
        for (var room = controller.Capacity - _running.Count - _waiting.Count; room > 0; room--)
        {
            var kind = kindOf(Fetched++);
            _waiting.Enqueue(new Job(kind, kind.WorkMs * (0.7 + (0.6 * _jitter.NextDouble()))));
        }

        while (_running.Count < controller.Limit && _waiting.TryDequeue(out var job))
        {
            job.Started = time.GetTimestamp();
            _running.Add(job);
            controller.JobStarted(_running.Count);
        }
    }

    private void Work()
    {
        time.Advance(Tick);
        foreach (var group in _running.GroupBy(job => job.Kind).ToList())
        {
            var speed = Math.Min(1.0, (double)group.Key.Capacity / group.Count());
            foreach (var job in group)
            {
                job.RemainingMs -= Tick.TotalMilliseconds * speed;
            }
        }

        foreach (var job in _running.Where(job => job.RemainingMs <= 0).ToList())
        {
            _running.Remove(job);
            _completed[job.Kind] = _completed.GetValueOrDefault(job.Kind) + 1;
            controller.JobCompleted(time.GetElapsedTime(job.Started));
        }
    }

    public readonly record struct Sample(int Limit, int Held);

    private sealed class Job(JobKind kind, double workMs)
    {
        public JobKind Kind { get; } = kind;

        public double RemainingMs { get; set; } = workMs;

        public long Started { get; set; }
    }
}
