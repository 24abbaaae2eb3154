using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>Registers the <c>ocr</c> pipeline when <c>Pipelines:Ocr:Enabled</c> is true; it needs the models it names in the catalog.</summary>
public static class OcrServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddOcrPipeline(this IHostApplicationBuilder builder)
    {
        if (builder.AddPipeline<OcrPipeline, OcrOptions, OcrOptionsValidator>("Ocr"))
        {
            builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OcrOptions>, OcrDictionaryPathSetup>());
        }

        return builder;
    }
}
