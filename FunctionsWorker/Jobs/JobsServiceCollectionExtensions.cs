using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FunctionsWorker.Jobs;

/// <summary>Registers the job runner, its records and replies.</summary>
public static class JobsServiceCollectionExtensions
{
    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        services.TryAddSingleton<JobRecordStore>();
        services.TryAddSingleton<ReplySender>();
        services.TryAddSingleton<IJobRunner, JobProcessor>();
        return services;
    }
}
