namespace FunctionsWorker.Cli;

/// <summary>The exit codes every command documents (README, "CLI").</summary>
internal static class ExitCodes
{
    public const int Succeeded = 0;

    /// <summary>
    /// Usage or bad input: a parse error, a missing file, a bad <c>--param</c>, an unknown job id or poison message, a
    /// request the worker refused (no or wrong function key, a job that already finished).
    /// </summary>
    public const int BadInput = 1;

    /// <summary>The job failed: poisoned.</summary>
    public const int JobFailed = 2;

    /// <summary>Storage or the worker's HTTP endpoint could not be reached or refused the credentials.</summary>
    public const int Unreachable = 3;

    /// <summary>No outcome within <c>--wait</c>.</summary>
    public const int Timeout = 4;

    /// <summary>The job was cancelled (<c>fwjobs jobs cancel</c> or <c>DELETE /api/jobs/{id}</c>) before it finished.</summary>
    public const int Cancelled = 5;

    /// <summary>Interrupted (Ctrl-C), as shells report SIGINT.</summary>
    public const int Interrupted = 130;
}
