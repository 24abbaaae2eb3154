using System.Diagnostics;

namespace Functions.Tests.Fixtures;

/// <summary>The fwjobs CLI as its own process (dotnet fwjobs.dll), with stdout, stderr and the exit code kept apart.</summary>
public static class CliProcess
{
    public static string CliDll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                ? "Release" : "Debug";
            return Path.Combine(RepositoryPaths.Root, "FunctionsWorker.Cli", "bin", configuration, "net10.0", "fwjobs.dll");
        }
    }

    /// <summary>
    /// Runs fwjobs with <paramref name="args"/>. The test's own AzureWebJobsStorage and FunctionKey are never inherited;
    /// <paramref name="environment"/> sets variables (a null value removes one).
    /// </summary>
    public static Task<CliResult> RunAsync(IDictionary<string, string?>? environment, params string[] args) =>
        RunAsync("dotnet", [CliDll, .. args], environment, TimeSpan.FromSeconds(120));

    public static async Task<CliResult> RunAsync(string program, IEnumerable<string> args, IDictionary<string, string?>? environment, TimeSpan timeout, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("AzureWebJobsStorage");
        start.Environment.Remove("FunctionKey");
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within {timeout}; stderr: {await stderr}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr, clock.Elapsed);
    }
}
