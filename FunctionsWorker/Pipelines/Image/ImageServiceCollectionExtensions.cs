namespace FunctionsWorker.Pipelines.Image;

/// <summary>
/// Registers the <c>image</c> pipeline when <c>Pipelines:Image:Enabled</c> is true; its required models are the
/// entries of <c>Pipelines:Image:Models</c>.
/// </summary>
public static class ImageServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddImagePipeline(this IHostApplicationBuilder builder)
    {
        builder.AddPipeline<ImagePipeline, ImagePipelineOptions, ImagePipelineOptionsValidator>("Image");
        return builder;
    }
}
