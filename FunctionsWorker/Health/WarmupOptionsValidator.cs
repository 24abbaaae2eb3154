using FunctionsWorker.Configuration;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Health;

/// <summary>
/// host.json <c>worker.warmup</c>: a zero minimum retries a failing model in a tight loop, a negative one stops the
/// host, so both ends of the back-off must be positive, ordered and below a day.
/// </summary>
internal sealed class WarmupOptionsValidator : IValidateOptions<WarmupOptions>
{
    public ValidateOptionsResult Validate(string? name, WarmupOptions options)
    {
        var errors = new List<string>();
        TimeSpanSetting.CheckRange(errors, "host.json worker.warmup.retryMinimum", options.RetryMinimum, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        TimeSpanSetting.CheckRange(errors, "host.json worker.warmup.retryMaximum", options.RetryMaximum, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1));
        if (errors.Count == 0 && options.RetryMaximum < options.RetryMinimum)
        {
            errors.Add($"host.json worker.warmup.retryMaximum ({TimeSpanSetting.Format(options.RetryMaximum)}) must not be less than worker.warmup.retryMinimum ({TimeSpanSetting.Format(options.RetryMinimum)}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
