namespace FunctionsWorker.Pipelines.Image;

/// <summary>
/// Registers the <c>image</c> pipeline when <c>Pipelines:Image:Enabled</c> is true; its required models are the
/// entries of <c>Pipelines:Image:Models</c>.
/// </summary>
public static class ImageServiceCollectionExtensions
{
    private const string Name = "Image";

    public static IHostApplicationBuilder AddImagePipeline(this IHostApplicationBuilder builder)
    {
        if (builder.AddPipeline<ImagePipeline, ImagePipelineOptions, ImagePipelineOptionsValidator>(Name) is { } options)
        {
            options.BindConfiguration(PipelineServiceCollectionExtensions.Section(Name));
        }

        return builder;
    }
}
