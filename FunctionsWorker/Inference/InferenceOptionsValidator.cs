using Microsoft.Extensions.Options;

namespace FunctionsWorker.Inference;

/// <summary>Checks the <c>Inference</c> section at startup, naming the setting at fault.</summary>
internal sealed class InferenceOptionsValidator : IValidateOptions<InferenceOptions>
{
    public ValidateOptionsResult Validate(string? name, InferenceOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Device))
        {
            failures.Add($"Inference:Device '{options.Device}' is not one of auto, cuda, cpu.");
        }

        if (!Enum.IsDefined(options.CudnnConvAlgoSearch))
        {
            failures.Add($"Inference:CudnnConvAlgoSearch '{options.CudnnConvAlgoSearch}' is not one of heuristic, exhaustive, default.");
        }

        if (string.IsNullOrWhiteSpace(options.ModelCacheDirectory))
        {
            failures.Add("Inference:ModelCacheDirectory must name a writable directory.");
        }

        if (options.MaxModelBytes < 1)
        {
            failures.Add("Inference:MaxModelBytes must be at least 1.");
        }

        if (options.ModelDownloadIdleTimeout <= TimeSpan.Zero)
        {
            failures.Add("Inference:ModelDownloadIdleTimeout must be positive.");
        }

        if (options.FetchProgressInterval <= TimeSpan.Zero)
        {
            failures.Add("Inference:FetchProgressInterval must be positive.");
        }

        if (options.CacheLockPollInterval <= TimeSpan.Zero)
        {
            failures.Add("Inference:CacheLockPollInterval must be positive.");
        }

        if (options.StalePartialAge <= TimeSpan.Zero)
        {
            failures.Add("Inference:StalePartialAge must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
