using System.IO.Compression;
using Functions.Tests.Fixtures;

namespace Functions.Tests.EndToEnd;

/// <summary>fwjobs as a .NET tool: packed from the repository and installed from that pack alone, offline.</summary>
public sealed class CliToolPackageTests
{
    [Fact]
    public async Task Pack_ThenToolInstallFromThePack_RunsFwjobsHelp()
    {
        using var temp = new TempDirectory();
        var artifacts = temp.File("artifacts");
        var configuration = CliProcess.CliDll.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var environment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = temp.File("packages") };

        // --no-build: the test project already built the CLI in this configuration.
        var pack = await CliProcess.RunAsync("dotnet",
            ["pack", Path.Combine(RepositoryPaths.Root, "FunctionsWorker.Cli"), "-c", configuration, "--no-build", "-o", artifacts],
            environment, TimeSpan.FromSeconds(120));
        Assert.True(pack.ExitCode == 0, pack.ToString());
        var package = Assert.Single(Directory.GetFiles(artifacts, "FunctionsWorker.Cli.*.nupkg"));
        using (var zip = ZipFile.OpenRead(package))
        {
            Assert.Contains(zip.Entries, entry => entry.FullName.EndsWith("/DotnetToolSettings.xml", StringComparison.Ordinal));
            Assert.Contains(zip.Entries, entry => entry.FullName.EndsWith("/fwjobs.dll", StringComparison.Ordinal));
        }

        // Only the pack as a source and an empty package cache: the install needs nothing from the network.
        await File.WriteAllTextAsync(temp.File("nuget.config"),
            $"""<?xml version="1.0" encoding="utf-8"?><configuration><packageSources><clear /><add key="artifacts" value="{artifacts}" /></packageSources></configuration>""");
        var install = await CliProcess.RunAsync("dotnet",
            ["tool", "install", "--tool-path", temp.File("tools"), "--configfile", temp.File("nuget.config"), "FunctionsWorker.Cli"],
            environment, TimeSpan.FromSeconds(120), temp.Path);
        Assert.True(install.ExitCode == 0, install.ToString());

        var help = await CliProcess.RunAsync(temp.File("tools/fwjobs"), ["--help"], null, TimeSpan.FromSeconds(60));
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("submit", help.StdOut, StringComparison.Ordinal);
        Assert.Contains("download", help.StdOut, StringComparison.Ordinal);
    }
}
