namespace FunctionsWorker.Cli;

/// <summary>A failure with a one-line message for the user and the exit code that classifies it.</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static CliException BadInput(string message) => new(ExitCodes.BadInput, message);
}
