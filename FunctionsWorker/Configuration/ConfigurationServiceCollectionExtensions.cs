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
                // "-1" means no limit, as in Functions (TimeSpan.Parse would read it as minus one day).
                if (configuration[$"{FunctionsConfiguration.HostJsonPrefix}:functionTimeout"] is { Length: > 0 } timeout)
                {
                    options.FunctionTimeout = timeout.Trim() == "-1" ? Timeout.InfiniteTimeSpan
                        : TimeSpan.TryParse(timeout, CultureInfo.InvariantCulture, out var value) ? value
                        : throw new OptionsValidationException("functionTimeout", typeof(WorkerOptions),
                            [$"host.json functionTimeout must be a time span like 00:30:00, or -1 for no limit, got '{FunctionsConfiguration.Shorten(timeout)}'."]);
                }
            });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>());
        services.AddHostedService<HostJsonCheck>();
        return services;
    }
}
