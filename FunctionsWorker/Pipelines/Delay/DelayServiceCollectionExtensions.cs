namespace FunctionsWorker.Pipelines.Delay;

/// <summary>Registers the diagnostic <c>delay</c> pipeline when <c>Pipelines:Delay:Enabled</c> is true.</summary>
public static class DelayServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddDelayPipeline(this IHostApplicationBuilder builder)
    {
        builder.AddPipeline<DelayPipeline>("Delay");
        return builder;
    }
}
