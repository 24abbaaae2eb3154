using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using FunctionsWorker.Background;

namespace FunctionsWorker.Pipelines;

/// <summary>
/// The one way a pipeline is added: switched on by <c>Pipelines:&lt;Name&gt;:Enabled</c>, its options validated at
/// start-up (the caller binds them to <see cref="Section"/>), its required models checked against the catalog.
/// </summary>
public static class PipelineServiceCollectionExtensions
{
    /// <summary>The configuration section of pipeline <paramref name="name"/> (<c>Pipelines:&lt;name&gt;</c>).</summary>
    public static string Section(string name) => "Pipelines:" + name;

    /// <summary>Adds a pipeline without settings of its own when it is enabled; returns whether it is.</summary>
    public static bool AddPipeline<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TPipeline>(this IHostApplicationBuilder builder, string name, bool enabledByDefault = false)
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

    /// <summary>
    /// Adds a pipeline with options <typeparamref name="TOptions"/> checked by <typeparamref name="TValidator"/> when it
    /// is enabled, and returns its options to bind (null when disabled): the caller binds them with
    /// <c>options.BindConfiguration(Section(name))</c>, a call on the concrete type that the configuration binding
    /// source generator turns into code, where a binding here, on a type parameter, would need reflection (no native
    /// AOT). The generator intercepts a plain call only, not a conditional one (<c>?.</c>).
    /// </summary>
    public static OptionsBuilder<TOptions>? AddPipeline<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TPipeline,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(
        this IHostApplicationBuilder builder, string name, bool enabledByDefault = false)
        where TPipeline : class, IPipeline
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        if (!builder.AddPipeline<TPipeline>(name, enabledByDefault))
        {
            return null;
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return builder.Services.AddOptionsWithValidateOnStart<TOptions>();
    }

    /// <summary>The registry every trigger resolves pipelines from, and the start-up check of their models.</summary>
    public static IServiceCollection AddPipelineRegistry(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PipelineRegistry>();
        services.AddHostedServiceAfterListening<RequiredModelsCheck>();
        return services;
    }

    private static bool IsEnabled(IConfiguration configuration, string name, bool enabledByDefault) =>
        configuration.GetValue($"{Section(name)}:Enabled", enabledByDefault);
}
