using Microsoft.Extensions.Options;

namespace FunctionsWorker.Configuration;

internal sealed class WorkerOptionsValidator : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        var errors = new List<string>();
        if (options.LeaseDuration < TimeSpan.FromSeconds(1) || options.LeaseDuration > TimeSpan.FromDays(7))
        {
            errors.Add($"host.json worker.leaseDuration must be between 00:00:01 and 7.00:00:00, got {options.LeaseDuration}.");
        }

        if (options.ShutdownGracePeriod < TimeSpan.Zero)
        {
            errors.Add($"host.json worker.shutdownGracePeriod must not be negative, got {options.ShutdownGracePeriod}.");
        }

        if (options.HeartbeatInterval <= TimeSpan.Zero)
        {
            errors.Add($"host.json worker.heartbeatInterval must be positive, got {options.HeartbeatInterval}.");
        }

        if (options.FunctionTimeout <= TimeSpan.Zero)
        {
            errors.Add($"host.json functionTimeout must be positive, got {options.FunctionTimeout}.");
        }

        if (options.CircuitBreakerThreshold < 1)
        {
            errors.Add($"host.json worker.circuitBreakerThreshold must be at least 1, got {options.CircuitBreakerThreshold}.");
        }

        if (options.PoisonMessageTimeToLive is { } ttl && (ttl <= TimeSpan.Zero || ttl > TimeSpan.FromDays(7)))
        {
            errors.Add($"host.json worker.poisonMessageTimeToLive must be between 00:00:01 and 7.00:00:00 (leave it unset for never), got {ttl}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
