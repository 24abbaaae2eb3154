namespace Functions.Tests.Fixtures;

/// <summary>What a finished CLI process left: exit code, stdout, stderr and how long it took.</summary>
public sealed record CliResult(int ExitCode, string StdOut, string StdErr, TimeSpan Elapsed)
{
    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:F1} s\nstdout:\n{StdOut}\nstderr:\n{StdErr}";
}
