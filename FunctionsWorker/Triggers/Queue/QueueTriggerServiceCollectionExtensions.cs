using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using FunctionsWorker.Background;

namespace FunctionsWorker.Triggers.Queue;

/// <summary>Registers the queue trigger: host.json <c>extensions.queues</c>, the queues, the processor and the listener.</summary>
public static class QueueTriggerServiceCollectionExtensions
{
    /// <summary>The queue trigger with its own listener: the self-hosted worker.</summary>
    public static IServiceCollection AddQueueTrigger(this IServiceCollection services)
    {
        services.AddQueueProcessing();
        services.AddHostedServiceAfterListening<QueueListener>();
        return services;
    }

    /// <summary>Everything but the listener: the processor that decides a delivery's fate, poison, replies and queues.</summary>
    public static IServiceCollection AddQueueProcessing(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<QueuesOptions>().BindConfiguration(QueuesOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<QueuesOptions>, QueuesOptionsValidator>());
        services.AddOptionsWithValidateOnStart<ConcurrencyOptions>().BindConfiguration(ConcurrencyOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConcurrencyOptions>, ConcurrencyOptionsValidator>());
        services.TryAddSingleton<IMessageQueues, AzureMessageQueues>();
        services.TryAddSingleton<ReplySender>();
        services.TryAddSingleton<QueueProcessor>();
        services.TryAddSingleton<PoisonQueueAdmin>();
        return services;
    }
}
