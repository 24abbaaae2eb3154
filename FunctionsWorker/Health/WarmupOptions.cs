namespace FunctionsWorker.Health;

/// <summary>host.json <c>worker.warmup</c>: the back-off between failed warm-up attempts.</summary>
public sealed class WarmupOptions
{
    public const string SectionName = "AzureFunctionsJobHost:worker:warmup";

    public TimeSpan RetryMinimum { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan RetryMaximum { get; set; } = TimeSpan.FromMinutes(5);
}
