namespace FunctionsWorker.Configuration;

/// <summary>host.json top-level <c>worker</c> section: settings Azure Functions lacks, plus its <c>functionTimeout</c>.</summary>
public sealed class WorkerOptions
{
    public const string SectionName = "AzureFunctionsJobHost:worker";

    /// <summary>How long a fetched message stays invisible; renewed at half while the job runs.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long SIGTERM waits for in-flight jobs before releasing them.</summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After the grace period, how long the last records, releases, deletes and the <c>stopped</c> heartbeat may still
    /// take: then even a hanging storage call gives up, so SIGTERM exits within <see cref="ExitDeadline"/>.
    /// </summary>
    public static readonly TimeSpan SettleMargin = TimeSpan.FromSeconds(5);

    /// <summary>From SIGTERM to exit at most: the grace period and the settle margin.</summary>
    public TimeSpan ExitDeadline => ShutdownGracePeriod + SettleMargin;

    /// <summary>How often background loops report they are alive; health turns 503 when a loop misses several.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// host.json <c>functionTimeout</c>: the longest one job may run (Functions' dedicated-plan default, 30 minutes);
    /// <c>-1</c> in host.json, <see cref="Timeout.InfiniteTimeSpan"/> here, means no limit.
    /// </summary>
    public TimeSpan FunctionTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Consecutive worker faults after which the worker stops fetching for <see cref="CircuitBreakDuration"/>.</summary>
    public int CircuitBreakerThreshold { get; set; } = 5;

    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a message stays in <c>&lt;queue&gt;-poison</c>; unset (the default) means it never expires. Functions writes
    /// poison with the queue's default week, after which the message and its evidence silently vanish.
    /// </summary>
    public TimeSpan? PoisonMessageTimeToLive { get; set; }

    /// <summary>How long a worker that stopped beating stays in table <c>workers</c> before it is pruned.</summary>
    public TimeSpan WorkerRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>A loop silent this long makes <c>/api/health</c> 503 so the platform restarts the container.</summary>
    public TimeSpan StuckLoopThreshold { get; set; } = TimeSpan.FromMinutes(2);
}
