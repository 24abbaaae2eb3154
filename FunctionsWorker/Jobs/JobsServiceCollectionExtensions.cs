using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FunctionsWorker.Jobs;

/// <summary>Registers the job runner (claim, then execution) and its records.</summary>
public static class JobsServiceCollectionExtensions
{
    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        services.TryAddSingleton<JobRecordStore>();
        services.TryAddSingleton<JobClaimer>();
        services.TryAddSingleton<JobExecutor>();
        services.TryAddSingleton<IJobRunner, JobProcessor>();
        return services;
    }
}
