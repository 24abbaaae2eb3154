namespace FunctionsWorker.Background;

/// <summary>A hosted service that stands in for another until the server listens; <see cref="Service"/> is the real one once started.</summary>
public interface IStartedAfterListening
{
    /// <summary>The service this one started, or null before the server listened (or when its start failed).</summary>
    IHostedService? Service { get; }
}
