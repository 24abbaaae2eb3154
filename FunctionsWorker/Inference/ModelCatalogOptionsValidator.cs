using Microsoft.Extensions.Options;

namespace FunctionsWorker.Inference;

/// <summary>Checks every <c>Models:&lt;name&gt;</c> entry at startup, naming the setting at fault.</summary>
internal sealed class ModelCatalogOptionsValidator : IValidateOptions<ModelCatalogOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelCatalogOptions options)
    {
        var failures = new List<string>();
        foreach (var (model, settings) in options.Models)
        {
            var prefix = $"{ModelCatalogOptions.SectionName}:{model}";

            // The name becomes a file name in the model cache.
            if (model.Length == 0 || !char.IsAsciiLetterOrDigit(model[0]) || !model.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                failures.Add($"'{prefix}': a model name must be letters, digits, '-', '_' or '.', starting with a letter or digit.");
            }

            if (!ModelSource.TryParse(settings.Source, out var source, out var error))
            {
                failures.Add($"'{prefix}:Source' is invalid: {error}.");
            }
            else if (source.Scheme != ModelSource.FileScheme && string.IsNullOrWhiteSpace(settings.Sha256))
            {
                failures.Add($"'{prefix}:Sha256' is required for the {source.Scheme} source {source}: a downloaded model is only trusted once its hash matches.");
            }

            if (settings.Kind is { } kind && !Enum.IsDefined(kind))
            {
                failures.Add($"'{prefix}:Kind' must be one of {string.Join(", ", Enum.GetNames<ModelKind>())}.");
            }

            if (!string.IsNullOrWhiteSpace(settings.Sha256) && (settings.Sha256.Length != 64 || !settings.Sha256.All(char.IsAsciiHexDigit)))
            {
                failures.Add($"'{prefix}:Sha256' must be 64 hexadecimal digits.");
            }

            if (settings.Bytes is < 1)
            {
                failures.Add($"'{prefix}:Bytes' must be at least 1 when set.");
            }

            if (settings.IntraOpThreads is < 1)
            {
                failures.Add($"'{prefix}:IntraOpThreads' must be at least 1 when set.");
            }

            if (settings.MaxConcurrency < 1)
            {
                failures.Add($"'{prefix}:MaxConcurrency' must be at least 1.");
            }

            if (settings.MaxBatchSize < 1)
            {
                failures.Add($"'{prefix}:MaxBatchSize' must be at least 1 (1 turns batching off).");
            }

            if (settings.MaxQueueDelay < TimeSpan.Zero || settings.MaxQueueDelay > TimeSpan.FromSeconds(1))
            {
                failures.Add($"'{prefix}:MaxQueueDelay' must be between 00:00:00 and 00:00:01.");
            }

            if (settings.PreferredBatchSizes.Any(size => size < 1 || size > settings.MaxBatchSize))
            {
                failures.Add($"'{prefix}:PreferredBatchSizes' must each be between 1 and MaxBatchSize ({settings.MaxBatchSize}).");
            }

            if (!Enum.IsDefined(settings.GraphOptimizationLevel))
            {
                failures.Add($"'{prefix}:GraphOptimizationLevel' must be one of {string.Join(", ", Enum.GetNames<Microsoft.ML.OnnxRuntime.GraphOptimizationLevel>())}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
