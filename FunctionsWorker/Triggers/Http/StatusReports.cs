using System.Diagnostics;
using FunctionsWorker.Fleet;
using FunctionsWorker.Health;
using FunctionsWorker.Storage;
using Microsoft.Extensions.Options;
using FunctionsWorker.State;

namespace FunctionsWorker.Triggers.Http;

/// <summary>
/// The body of <c>/api/status</c>, built at most four times a second whatever the request rate and shared by every
/// request in between, so a flood of status requests costs serialization, not a process snapshot and a model-cache
/// report each (a status may be up to 250 ms old).
/// </summary>
public sealed class StatusReports
{
    private static readonly TimeSpan Freshness = TimeSpan.FromMilliseconds(250);

    private readonly WorkerState _state;
    private readonly WorkerHealth _health;
    private readonly StorageClients _clients;
    private readonly QueueLengths _lengths;
    private readonly FleetView _fleet;
    private readonly StorageOptions _storage;
    private readonly IEnumerable<IStatusSource> _sources;
    private readonly TimeProvider _time;
    private readonly SharedRefresh<StatusReport> _report;

    public StatusReports(WorkerState state, WorkerHealth health, StorageClients clients, QueueLengths lengths, FleetView fleet,
        IOptions<StorageOptions> storage, IEnumerable<IStatusSource> sources, TimeProvider time)
    {
        _state = state;
        _health = health;
        _clients = clients;
        _lengths = lengths;
        _fleet = fleet;
        _storage = storage.Value;
        _sources = sources;
        _time = time;
        _report = new SharedRefresh<StatusReport>(BuildAsync, Freshness, time);
    }

    public Task<StatusReport> GetAsync(CancellationToken cancellationToken) => _report.GetAsync(cancellationToken);

    private async Task<StatusReport> BuildAsync()
    {
        // Shared by many requests: the reads below are bounded by their own timeouts, not by one caller's cancellation.
        var lengthsRead = _lengths.GetAsync(CancellationToken.None);
        var fleetRead = _fleet.GetAsync(CancellationToken.None);
        var (queue, poison) = await lengthsRead.ConfigureAwait(false);
        var workers = await fleetRead.ConfigureAwait(false);
        var reasons = _health.NotReadyReasons();
        using var process = Process.GetCurrentProcess();
        var body = new StatusReport
        {
            WorkerId = _state.WorkerId,
            Version = WorkerState.Version,
            Status = _health.Status,
            StartedAt = _state.StartedAt,
            UptimeMs = (long)(_time.GetUtcNow() - _state.StartedAt).TotalMilliseconds,
            Ready = reasons.Count == 0,
            NotReadyReasons = reasons,
            Warmup = _state.Warmup,
            Storage = new StorageReport(_clients.AccountName, _state.StorageReachable, _state.StorageError),
            Listener = new ListenerReport(_state.ListenerRunning, _state.CircuitOpenUntil),
            Queue = new QueueReport(_storage.JobsQueueName, queue, _storage.PoisonQueueName, poison),
            InFlight = _state.InFlight,
            Counts = _state.Outcomes,
            LastErrors = _state.RecentErrors,
            Memory = new MemoryReport(process.WorkingSet64, GC.GetTotalMemory(false)),
            Fleet = workers is null ? null : WorkerRegistry.Summarize(workers),
        };
        foreach (var source in _sources)
        {
            body.Sections[source.Name] = source.Describe();
        }

        return body;
    }
}
