using System.Diagnostics;

namespace FunctionsWorker.Chaos;

/// <summary>
/// The commit the run's code came from, for the report: a committed report names the code it measured, and says so
/// when the working tree held changes that commit does not have.
/// </summary>
internal static class SourceRevision
{
    public static string Describe()
    {
        var commit = Git("rev-parse", "HEAD");
        if (commit is null)
        {
            return "unknown (no git)";
        }

        // The report the run is about to write is not a change to the code it measured.
        var changes = Git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)bench/chaos/README.md");
        return string.IsNullOrEmpty(changes) ? commit : commit + " with uncommitted changes";
    }

    private static string? Git(params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepositoryPaths.Root };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
