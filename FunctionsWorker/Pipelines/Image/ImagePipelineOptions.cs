namespace FunctionsWorker.Pipelines.Image;

/// <summary>Settings of the <c>image</c> pipeline (section <c>Pipelines:Image</c>): one entry per catalog model it may run.</summary>
public sealed class ImagePipelineOptions
{
    public const string SectionName = "Pipelines:Image";

    /// <summary>One entry per model the pipeline may run; at least one is required.</summary>
    public const string ModelsSection = SectionName + ":Models";

    /// <summary>Keyed by catalog name (<c>Models:&lt;name&gt;</c>), compared case-insensitively like the catalog.</summary>
    public IDictionary<string, ImageModelOptions> Models { get; } =
        new Dictionary<string, ImageModelOptions>(StringComparer.OrdinalIgnoreCase);
}
