using FunctionsWorker.Inference;

namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>
/// Registers the <c>ocr</c> pipeline when <c>Pipelines:Ocr:Enabled</c> is true; its models (detector, recogniser, the
/// optional direction classifier) and its dictionary come from the model catalog.
/// </summary>
public static class OcrServiceCollectionExtensions
{
    private const string Name = "Ocr";

    public static IHostApplicationBuilder AddOcrPipeline(this IHostApplicationBuilder builder)
    {
        if (builder.AddPipeline<OcrPipeline, OcrOptions, OcrOptionsValidator>(Name) is { } options)
        {
            options.BindConfiguration(PipelineServiceCollectionExtensions.Section(Name));
            // The shapes the pipeline runs its models with: the most common warmed before Ready, the rest in the background.
            builder.Services.AddSingleton<IModelWarmupShapes, OcrWarmupShapes>();
        }

        return builder;
    }
}
