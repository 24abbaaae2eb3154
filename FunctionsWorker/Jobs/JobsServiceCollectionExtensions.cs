using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FunctionsWorker.Jobs;

/// <summary>Registers the job runner and its records.</summary>
public static class JobsServiceCollectionExtensions
{
    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        services.TryAddSingleton<JobRecordStore>();
        services.TryAddSingleton<IJobRunner, JobProcessor>();
        return services;
    }
}
