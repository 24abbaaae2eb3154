using System.Diagnostics;
using System.Reflection;
using Azure;
using Microsoft.Extensions.Options;
using FunctionsWorker.Health;
using FunctionsWorker.Storage;

namespace FunctionsWorker.Triggers.Http;

/// <summary>HTTP triggers <c>/health</c> (liveness), <c>/ready</c> (readiness) and <c>/status</c> (everything an operator asks).</summary>
public static class HealthFunctions
{
    private static readonly TimeSpan QueueLengthTimeout = TimeSpan.FromSeconds(2);

    public static readonly string Version =
        typeof(HealthFunctions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static RouteGroupBuilder MapHealthFunctions(this RouteGroupBuilder group)
    {
        group.MapGet("/health", GetHealth).WithName("Health");
        group.MapGet("/ready", GetReady).WithName("Ready");
        group.MapGet("/status", GetStatusAsync).AddEndpointFilter<FunctionKeyFilter>().WithName("Status");
        return group;
    }

    // Answers from memory only: no storage, no model, nothing that can block.
    internal static IResult GetHealth(WorkerState state, WorkerHealth health, TimeProvider time)
    {
        var stuck = health.StuckLoops();
        var body = new HealthReport(
            stuck.Count > 0 ? "unhealthy" : health.Status,
            state.WorkerId,
            (long)(time.GetUtcNow() - state.StartedAt).TotalMilliseconds,
            health.NotReadyReasons(stuck).Count == 0,
            state.Warmup,
            state.StorageReachable ? null : state.StorageError,
            stuck);
        return TypedResults.Json(body, HttpJsonContext.Default.HealthReport,
            statusCode: stuck.Count > 0 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }

    internal static IResult GetReady(WorkerHealth health)
    {
        var reasons = health.NotReadyReasons();
        return TypedResults.Json(new ReadinessReport(reasons.Count == 0, reasons), HttpJsonContext.Default.ReadinessReport,
            statusCode: reasons.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    internal static async Task<IResult> GetStatusAsync(
        WorkerState state,
        WorkerHealth health,
        StorageClients clients,
        IOptions<StorageOptions> storage,
        IEnumerable<IStatusSource> sources,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var queueLength = QueueLengthAsync(clients, storage.Value.JobsQueueName, cancellationToken);
        var poisonLength = storage.Value.PoisonQueueName is { } poisonName ? QueueLengthAsync(clients, poisonName, cancellationToken) : Task.FromResult<int?>(null);
        var queue = await queueLength.ConfigureAwait(false);
        var poison = await poisonLength.ConfigureAwait(false);
        var reasons = health.NotReadyReasons();
        using var process = Process.GetCurrentProcess();
        var body = new StatusReport
        {
            WorkerId = state.WorkerId,
            Version = Version,
            Status = health.Status,
            StartedAt = state.StartedAt,
            UptimeMs = (long)(time.GetUtcNow() - state.StartedAt).TotalMilliseconds,
            Ready = reasons.Count == 0,
            NotReadyReasons = reasons,
            Warmup = state.Warmup,
            Storage = new StorageReport(clients.AccountName, state.StorageReachable, state.StorageError),
            Listener = new ListenerReport(state.ListenerRunning, state.CircuitOpenUntil),
            Queue = new QueueReport(storage.Value.JobsQueueName, queue, storage.Value.PoisonQueueName, poison),
            InFlight = state.InFlight,
            Counts = state.Outcomes,
            LastErrors = state.RecentErrors,
            Memory = new MemoryReport(process.WorkingSet64, GC.GetTotalMemory(false)),
        };
        foreach (var source in sources)
        {
            body.Sections[source.Name] = source.Describe();
        }

        return TypedResults.Json(body, HttpJsonContext.Default.StatusReport);
    }

    /// <summary>Approximate length, or null when storage does not answer in time: status must not hang on a dead account.</summary>
    private static async Task<int?> QueueLengthAsync(StorageClients clients, string name, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(QueueLengthTimeout);
        try
        {
            var properties = await clients.Queues.GetQueueClient(name).GetPropertiesAsync(timeout.Token).ConfigureAwait(false);
            return properties.Value.ApproximateMessagesCount;
        }
        catch (RequestFailedException ex) when (ex.IsNotFound())
        {
            return 0;
        }
        catch (Exception ex) when ((StorageErrors.IsStorageFailure(ex) || ex is OperationCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
