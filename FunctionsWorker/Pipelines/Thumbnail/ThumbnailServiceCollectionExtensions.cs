namespace FunctionsWorker.Pipelines.Thumbnail;

/// <summary>Registers the <c>thumbnail</c> pipeline, on unless <c>Pipelines:Thumbnail:Enabled</c> is false.</summary>
public static class ThumbnailServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddThumbnailPipeline(this IHostApplicationBuilder builder)
    {
        builder.AddPipeline<ThumbnailPipeline>("Thumbnail", enabledByDefault: true);
        return builder;
    }
}
