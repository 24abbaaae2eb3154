using FunctionsWorker.Configuration;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Triggers.Queue;

/// <summary>Names the host.json setting that is wrong, so a misconfigured worker fails at startup with a useful message.</summary>
internal sealed class QueuesOptionsValidator : IValidateOptions<QueuesOptions>
{
    public ValidateOptionsResult Validate(string? name, QueuesOptions options)
    {
        var errors = new List<string>();
        if (options.BatchSize is < 1 or > 32)
        {
            errors.Add($"host.json extensions.queues.batchSize must be between 1 and 32, got {options.BatchSize}.");
        }

        if (options.NewBatchThreshold is < 0)
        {
            errors.Add($"host.json extensions.queues.newBatchThreshold must be 0 or more, got {options.NewBatchThreshold}.");
        }

        if (options.MaxDequeueCount < 1)
        {
            errors.Add($"host.json extensions.queues.maxDequeueCount must be at least 1, got {options.MaxDequeueCount}.");
        }

        // Azure Storage caps a message's invisibility at 7 days; the poll back-off starts at 100 ms.
        TimeSpanSetting.CheckRange(errors, "host.json extensions.queues.visibilityTimeout", options.VisibilityTimeout, TimeSpan.Zero, TimeSpan.FromDays(7));
        if (options.MaxPollingInterval is { } polling)
        {
            TimeSpanSetting.CheckRange(errors, "host.json extensions.queues.maxPollingInterval", polling, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1));
        }

        if (!options.IsBase64 && !string.Equals(options.MessageEncoding, "none", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"host.json extensions.queues.messageEncoding must be 'base64' or 'none', got '{options.MessageEncoding}'.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
