namespace FunctionsWorker.Cli;

/// <summary>The exit codes every command documents (README, "CLI").</summary>
internal static class ExitCodes
{
    public const int Succeeded = 0;

    /// <summary>Usage or bad input: a parse error, a missing file, a bad <c>--param</c>, an unknown job id.</summary>
    public const int BadInput = 1;

    /// <summary>The job failed: poisoned.</summary>
    public const int JobFailed = 2;

    /// <summary>Storage or the worker's HTTP endpoint could not be reached or refused the credentials.</summary>
    public const int Unreachable = 3;

    /// <summary>No outcome within <c>--wait</c>.</summary>
    public const int Timeout = 4;

    /// <summary>Interrupted (Ctrl-C), as shells report SIGINT.</summary>
    public const int Interrupted = 130;
}
