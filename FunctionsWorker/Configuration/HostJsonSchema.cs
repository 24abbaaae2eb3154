namespace FunctionsWorker.Configuration;

/// <summary>
/// The host.json settings this worker reads, plus the ones Azure Functions defines that a shared host.json may
/// carry. A path ending in <c>.*</c> takes any key below it (logging categories, other extensions' settings).
/// </summary>
internal static class HostJsonSchema
{
    public static readonly IReadOnlyList<string> Known =
    [
        "version",
        "functionTimeout",
        "logging.logLevel.*",
        "logging.fileLoggingMode",
        "logging.applicationInsights.*",
        "logging.console.*",
        "extensions.queues.batchSize",
        "extensions.queues.newBatchThreshold",
        "extensions.queues.maxDequeueCount",
        "extensions.queues.visibilityTimeout",
        "extensions.queues.maxPollingInterval",
        "extensions.queues.messageEncoding",
        "extensions.http.routePrefix",
        "extensions.http.requestsPerMinute",
        "extensions.http.maxOutstandingRequests",
        "extensions.http.maxConcurrentRequests",
        "extensions.http.dynamicThrottlesEnabled",
        "extensions.http.hsts.*",
        "extensions.http.customHeaders.*",
        "extensions.blobs.*",
        "extensions.tables.*",
        "extensions.serviceBus.*",
        "extensions.eventHubs.*",
        "extensions.eventGrid.*",
        "extensions.cosmosDB.*",
        "extensions.durableTask.*",
        "extensions.sendGrid.*",
        "extensions.kafka.*",
        "extensions.rabbitMQ.*",
        "extensions.signalR.*",
        "worker.leaseDuration",
        "worker.shutdownGracePeriod",
        "worker.heartbeatInterval",
        "worker.circuitBreakerThreshold",
        "worker.circuitBreakDuration",
        "worker.poisonMessageTimeToLive",
        "worker.workerRetention",
        "worker.stuckLoopThreshold",
        "worker.warmup.retryMinimum",
        "worker.warmup.retryMaximum",
        "aggregator.*",
        "concurrency.*",
        "customHandler.*",
        "extensionBundle.*",
        "functions.*",
        "healthMonitor.*",
        "managedDependency.*",
        "retry.*",
        "singleton.*",
        "telemetryMode",
        "watchDirectories.*",
        "watchFiles.*",
    ];
}
