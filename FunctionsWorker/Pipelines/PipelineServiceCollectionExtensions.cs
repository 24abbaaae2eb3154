using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Pipelines;

/// <summary>
/// The one way a pipeline is added: switched on by <c>Pipelines:&lt;Name&gt;:Enabled</c>, its options bound to
/// <c>Pipelines:&lt;Name&gt;</c> and validated at start-up, its required models checked against the catalog.
/// </summary>
public static class PipelineServiceCollectionExtensions
{
    /// <summary>The configuration section of pipeline <paramref name="name"/> (<c>Pipelines:&lt;name&gt;</c>).</summary>
    public static string Section(string name) => "Pipelines:" + name;

    /// <summary>Adds a pipeline without settings of its own when it is enabled; returns whether it is.</summary>
    public static bool AddPipeline<TPipeline>(this IHostApplicationBuilder builder, string name, bool enabledByDefault = false)
        where TPipeline : class, IPipeline
    {
        if (!IsEnabled(builder.Configuration, name, enabledByDefault))
        {
            return false;
        }

        builder.Services.AddPipelineRegistry();
        builder.Services.AddSingleton<IPipeline, TPipeline>();
        return true;
    }

    /// <summary>Adds a pipeline with options <typeparamref name="TOptions"/> checked by <typeparamref name="TValidator"/> when it is enabled.</summary>
    public static bool AddPipeline<TPipeline, TOptions, TValidator>(this IHostApplicationBuilder builder, string name, bool enabledByDefault = false)
        where TPipeline : class, IPipeline
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        if (!builder.AddPipeline<TPipeline>(name, enabledByDefault))
        {
            return false;
        }

        builder.Services.AddOptionsWithValidateOnStart<TOptions>().BindConfiguration(Section(name));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return true;
    }

    /// <summary>The registry every trigger resolves pipelines from, and the start-up check of their models.</summary>
    public static IServiceCollection AddPipelineRegistry(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PipelineRegistry>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RequiredModelsCheck>());
        return services;
    }

    private static bool IsEnabled(IConfiguration configuration, string name, bool enabledByDefault) =>
        configuration.GetValue($"{Section(name)}:Enabled", enabledByDefault);
}
