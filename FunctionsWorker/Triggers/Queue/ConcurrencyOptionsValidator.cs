using Microsoft.Extensions.Options;

namespace FunctionsWorker.Triggers.Queue;

internal sealed class ConcurrencyOptionsValidator : IValidateOptions<ConcurrencyOptions>
{
    public ValidateOptionsResult Validate(string? name, ConcurrencyOptions options) =>
        options.MaximumFunctionConcurrency is < 1 or > 10_000
            ? ValidateOptionsResult.Fail($"host.json concurrency.maximumFunctionConcurrency must be between 1 and 10000, got {options.MaximumFunctionConcurrency}.")
            : ValidateOptionsResult.Success;
}
