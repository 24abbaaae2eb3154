using Microsoft.Extensions.Options;

namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>Checks <see cref="OcrOptions"/> at startup, naming the setting in every message.</summary>
internal sealed class OcrOptionsValidator : IValidateOptions<OcrOptions>
{
    private const string Prefix = OcrOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, OcrOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DetectionModel))
        {
            failures.Add($"{Prefix}{nameof(OcrOptions.DetectionModel)} must name a model.");
        }

        if (string.IsNullOrWhiteSpace(options.RecognitionModel))
        {
            failures.Add($"{Prefix}{nameof(OcrOptions.RecognitionModel)} must name a model.");
        }

        if (string.IsNullOrWhiteSpace(options.Dictionary))
        {
            failures.Add($"{Prefix}{nameof(OcrOptions.Dictionary)} must name the catalog entry of the recognition dictionary.");
        }

        if (options.MaxSide is < DetectionSize.Multiple or > DetectionSize.MaxSideLimit)
        {
            failures.Add($"{Prefix}{nameof(OcrOptions.MaxSide)} must be between {DetectionSize.Multiple} and {DetectionSize.MaxSideLimit}, got {options.MaxSide}.");
        }

        AddIfOutside(failures, nameof(OcrOptions.BinaryThreshold), options.BinaryThreshold);
        AddIfOutside(failures, nameof(OcrOptions.BoxThreshold), options.BoxThreshold);
        AddIfOutside(failures, nameof(OcrOptions.MinConfidence), options.MinConfidence);

        if (!(options.UnclipRatio is >= 0f and <= 10f))
        {
            failures.Add($"{Prefix}{nameof(OcrOptions.UnclipRatio)} must be between 0 and 10, got {options.UnclipRatio}.");
        }

        if (options.MaxCandidates < 1)
        {
            failures.Add($"{Prefix}{nameof(OcrOptions.MaxCandidates)} must be at least 1, got {options.MaxCandidates}.");
        }

        if (options.RecognitionBatchSize is < 1 or > 256)
        {
            failures.Add($"{Prefix}{nameof(OcrOptions.RecognitionBatchSize)} must be between 1 and 256, got {options.RecognitionBatchSize}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void AddIfOutside(List<string> failures, string setting, float value)
    {
        if (!(value is >= 0f and <= 1f))
        {
            failures.Add($"{Prefix}{setting} must be between 0 and 1, got {value}.");
        }
    }
}
