namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>
/// Registers the <c>ocr</c> pipeline when <c>Pipelines:Ocr:Enabled</c> is true; its two models and its dictionary come
/// from the model catalog.
/// </summary>
public static class OcrServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddOcrPipeline(this IHostApplicationBuilder builder)
    {
        builder.AddPipeline<OcrPipeline, OcrOptions, OcrOptionsValidator>("Ocr");
        return builder;
    }
}
