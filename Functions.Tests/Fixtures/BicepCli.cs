using System.Diagnostics;
using System.Xml.Linq;

namespace Functions.Tests.Fixtures;

/// <summary>
/// The Bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64 (a PackageDownload of the test project, pinned
/// by BicepCliVersion in Directory.Packages.props), run offline against the repository's infra folder.
/// </summary>
public static class BicepCli
{
    public static string Version { get; } = XDocument.Load(Path.Combine(RepositoryPaths.Root, "Directory.Packages.props"))
        .Descendants("BicepCliVersion").Single().Value.Trim();

    public static string Executable
    {
        get
        {
            var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
                ? configured
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            var bicep = Path.Combine(packages, "azure.bicep.commandline.linux-x64", Version, "tools", "bicep");
            if (!File.Exists(bicep))
            {
                throw new InvalidOperationException($"Bicep CLI {Version} not found at {bicep}: restore Functions.Tests (dotnet restore) to download it.");
            }

            // NuGet extracts with the archive's mode bits, which a package may not carry.
            if (OperatingSystem.IsLinux() && !File.GetUnixFileMode(bicep).HasFlag(UnixFileMode.UserExecute))
            {
                File.SetUnixFileMode(bicep, File.GetUnixFileMode(bicep) | UnixFileMode.UserExecute);
            }

            return bicep;
        }
    }

    /// <summary>Runs bicep with the arguments in the repository root; returns the exit code, stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bicep did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await errors);
    }
}
