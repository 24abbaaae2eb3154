using Microsoft.Extensions.Options;

namespace FunctionsWorker.Configuration;

/// <summary>
/// Checks every time span of host.json's <c>worker</c> section and <c>functionTimeout</c> against a range a worker can
/// live with: zero or negative values spin or stop a loop, huge ones overflow timers or hold jobs for days.
/// </summary>
internal sealed class WorkerOptionsValidator : IValidateOptions<WorkerOptions>
{
    public static readonly TimeSpan MaxFunctionTimeout = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        var errors = new List<string>();
        TimeSpanSetting.CheckRange(errors, "host.json worker.leaseDuration", options.LeaseDuration, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7));
        TimeSpanSetting.CheckRange(errors, "host.json worker.shutdownGracePeriod", options.ShutdownGracePeriod, TimeSpan.Zero, TimeSpan.FromHours(1));
        TimeSpanSetting.CheckRange(errors, "host.json worker.heartbeatInterval", options.HeartbeatInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        TimeSpanSetting.CheckRange(errors, "host.json worker.circuitBreakDuration", options.CircuitBreakDuration, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        if (options.FunctionTimeout != Timeout.InfiniteTimeSpan
            && (options.FunctionTimeout < TimeSpan.FromSeconds(1) || options.FunctionTimeout > MaxFunctionTimeout))
        {
            errors.Add($"host.json functionTimeout must be between 00:00:01 and {TimeSpanSetting.Format(MaxFunctionTimeout)}, or -1 for no limit, got {TimeSpanSetting.Format(options.FunctionTimeout)}.");
        }

        if (options.CircuitBreakerThreshold < 1)
        {
            errors.Add($"host.json worker.circuitBreakerThreshold must be at least 1, got {options.CircuitBreakerThreshold}.");
        }

        if (options.WorkerRetention < TimeSpan.FromMinutes(1) || options.WorkerRetention > TimeSpan.FromDays(365))
        {
            errors.Add($"host.json worker.workerRetention must be between 00:01:00 and 365.00:00:00, got {options.WorkerRetention}.");
        }

        if (options.StuckLoopThreshold < TimeSpan.FromSeconds(1) || options.StuckLoopThreshold > TimeSpan.FromHours(1))
        {
            errors.Add($"host.json worker.stuckLoopThreshold must be between 00:00:01 and 01:00:00, got {options.StuckLoopThreshold}.");
        }

        if (options.PoisonMessageTimeToLive is { } ttl && (ttl <= TimeSpan.Zero || ttl > TimeSpan.FromDays(7)))
        {
            errors.Add($"host.json worker.poisonMessageTimeToLive must be between 00:00:01 and 7.00:00:00 (leave it unset for never), got {ttl}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
