using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>Registers the <c>ocr</c> pipeline and its options.</summary>
public static class OcrServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="OcrOptions"/> to <c>Pipelines:Ocr</c> (validated at startup) and adds
    /// the pipeline as an <see cref="IPipeline"/>. Needs the host's <c>IModelProvider</c> and <c>ImageDecoder</c>;
    /// its two models and its dictionary come from the model catalog.
    /// </summary>
    public static IHostApplicationBuilder AddOcrPipeline(this IHostApplicationBuilder builder)
    {
        // Off unless asked for: a worker that serves OCR must also configure the two models it needs.
        if (!builder.Configuration.GetValue<bool>(OcrOptions.EnabledSetting))
        {
            return builder;
        }

        builder.Services.AddOptionsWithValidateOnStart<OcrOptions>()
            .Bind(builder.Configuration.GetSection(OcrOptions.SectionName));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OcrOptions>, OcrOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IPipeline, OcrPipeline>();
        return builder;
    }
}
