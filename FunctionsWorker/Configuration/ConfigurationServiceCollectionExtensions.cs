using System.Globalization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Configuration;

/// <summary>Registers host.json's <c>worker</c> section and top-level <c>functionTimeout</c>.</summary>
public static class ConfigurationServiceCollectionExtensions
{
    public static IServiceCollection AddWorkerOptions(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<WorkerOptions>()
            .BindConfiguration(WorkerOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) =>
            {
                // functionTimeout sits at the top of host.json, as in Functions.
                if (configuration[$"{FunctionsConfiguration.HostJsonPrefix}:functionTimeout"] is { Length: > 0 } timeout)
                {
                    options.FunctionTimeout = TimeSpan.TryParse(timeout, CultureInfo.InvariantCulture, out var value)
                        ? value
                        : throw new OptionsValidationException("functionTimeout", typeof(WorkerOptions),
                            [$"host.json functionTimeout must be a time span like 00:30:00, got '{timeout}'."]);
                }
            });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>());
        return services;
    }
}
