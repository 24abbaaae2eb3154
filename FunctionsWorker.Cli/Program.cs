namespace FunctionsWorker.Cli;

/// <summary>Entry point of fwjobs, the producer's client for the worker.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => FwJobs.RunAsync(args);
}
