using FunctionsWorker.Schema;

namespace FunctionsWorker.Cli;

/// <summary>Job ids as the worker takes them (<see cref="JobIdRule"/>).</summary>
internal static class JobIds
{
    public static string New() => Guid.NewGuid().ToString("N");

    public static string Validate(string jobId) => JobIdRule.IsValid(jobId)
        ? jobId
        : throw CliException.BadInput($"job id '{jobId}' must be {JobIdRule.Description}.");
}
