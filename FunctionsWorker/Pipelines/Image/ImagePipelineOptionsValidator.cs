using System.Globalization;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Pipelines.Image;

/// <summary>Checks every <c>Pipelines:Image:Models:&lt;name&gt;</c> entry at startup, naming the setting in each message.</summary>
internal sealed class ImagePipelineOptionsValidator : IValidateOptions<ImagePipelineOptions>
{
    private const int MaxSizeMultiple = 1024;

    public ValidateOptionsResult Validate(string? name, ImagePipelineOptions options)
    {
        var failures = new List<string>();
        if (options.Models.Count == 0)
        {
            failures.Add($"{ImagePipelineOptions.ModelsSection} must configure at least one model when Pipelines:Image:Enabled is true.");
        }

        foreach (var (model, settings) in options.Models)
        {
            Validate(failures, $"{ImagePipelineOptions.ModelsSection}:{model}:", settings);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Validate(List<string> failures, string prefix, ImageModelOptions options)
    {
        void Fail(string setting, string problem) =>
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{prefix}{setting} {problem}."));

        if (options.InputSize is not null && !ImageSize.TryParse(options.InputSize, out _))
        {
            Fail(nameof(ImageModelOptions.InputSize),
                $"must be WIDTHxHEIGHT with sides from 1 to {ImageSize.MaxSideLimit} (e.g. 512x512), got '{options.InputSize}'");
        }

        if (options.SizeMultiple is < 1 or > MaxSizeMultiple)
        {
            Fail(nameof(ImageModelOptions.SizeMultiple), $"must be between 1 and {MaxSizeMultiple}, got {options.SizeMultiple}");
        }

        if (options.MaxSide < Math.Max(1, options.SizeMultiple) || options.MaxSide > ImageSize.MaxSideLimit)
        {
            Fail(nameof(ImageModelOptions.MaxSide),
                $"must be between SizeMultiple ({options.SizeMultiple}) and {ImageSize.MaxSideLimit}, got {options.MaxSide}");
        }

        if (options.Mean is not null && (options.Mean.Length != 3 || !options.Mean.All(float.IsFinite)))
        {
            Fail(nameof(ImageModelOptions.Mean), $"must have 3 numbers (one per channel), got {Describe(options.Mean)}");
        }

        if (options.Std is not null && (options.Std.Length != 3 || !options.Std.All(s => float.IsFinite(s) && s > 0f)))
        {
            Fail(nameof(ImageModelOptions.Std), $"must have 3 numbers above 0 (one per channel), got {Describe(options.Std)}");
        }

        if (!Enum.IsDefined(options.ChannelOrder))
        {
            Fail(nameof(ImageModelOptions.ChannelOrder), "must be RGB or BGR");
        }

        if (!Enum.IsDefined(options.Layout))
        {
            Fail(nameof(ImageModelOptions.Layout), "must be NCHW");
        }

        if (!Enum.IsDefined(options.Output))
        {
            Fail(nameof(ImageModelOptions.Output), "must be image or mask");
        }

        if (!(float.IsFinite(options.OutputScale) && options.OutputScale > 0f))
        {
            Fail(nameof(ImageModelOptions.OutputScale), $"must be a number above 0, got {options.OutputScale}");
        }
    }

    private static string Describe(float[] values) =>
        values.Length == 0 ? "none" : string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
}
