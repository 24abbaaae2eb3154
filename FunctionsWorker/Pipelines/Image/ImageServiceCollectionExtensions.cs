using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Pipelines.Image;

/// <summary>Registers the <c>image</c> pipeline and its options.</summary>
public static class ImageServiceCollectionExtensions
{
    /// <summary>
    /// When <c>Pipelines:Image:Models</c> has at least one entry: binds <see cref="ImagePipelineOptions"/> (validated at
    /// startup) and adds the pipeline as an <see cref="IPipeline"/> whose required models are those entries' names.
    /// Needs the host's <c>IModelProvider</c> and <c>ImageDecoder</c>.
    /// </summary>
    public static IHostApplicationBuilder AddImagePipeline(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Off unless a model is configured for it: with none, the pipeline could run nothing.
        if (!builder.Configuration.GetSection(ImagePipelineOptions.ModelsSection).GetChildren().Any())
        {
            return builder;
        }

        builder.Services.AddOptionsWithValidateOnStart<ImagePipelineOptions>()
            .Configure<IConfiguration>((options, configuration) =>
                configuration.GetSection(ImagePipelineOptions.ModelsSection).Bind(options.Models));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ImagePipelineOptions>, ImagePipelineOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IPipeline, ImagePipeline>();
        return builder;
    }
}
