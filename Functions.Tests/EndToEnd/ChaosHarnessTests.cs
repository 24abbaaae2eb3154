using System.Diagnostics;
using Functions.Tests.Fixtures;

namespace Functions.Tests.EndToEnd;

/// <summary>
/// The chaos harness (bench/FunctionsWorker.Chaos) in its short mode: three real workers, Azurite on disk behind a
/// fault-injecting proxy, 30 s of mixed load (thumbnail, delay and OCR on the real PP-OCRv4 models with dynamic
/// batching on) with bad messages and twins under kill -9, SIGTERM, storage cuts and an Azurite restart; the harness
/// exits 0 only when every end-of-run check holds, which includes a minimum of jobs (OCR ones too) sent and faults
/// injected and the OCR models seen with batching on (ChaosVerdictTests). The long run is scripts/chaos.sh.
/// </summary>
public sealed class ChaosHarnessTests
{
    [Fact]
    public async Task ShortChaosRun_EveryValidJobSucceedsOnce_EveryBadMessageIsPoisonedWithItsReason()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release" : "Debug";
        var harness = Path.Combine(RepositoryPaths.Root, "bench", "FunctionsWorker.Chaos", "bin", configuration, "net10.0", "FunctionsWorker.Chaos.dll");
        Assert.True(File.Exists(harness), $"{harness} is missing: build the solution (dotnet build FunctionsWorker.sln -c {configuration}).");

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { harness, "chaos", "--short" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        // A hang guard only: the run's own drain timeout ends it long before; how long it takes is not the claim.
        using var hangGuard = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(hangGuard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"the short chaos run hung:\n{await output}\n{await errors}");
        }

        Assert.True(process.ExitCode == 0, $"the short chaos run failed (exit code {process.ExitCode}):\n{await output}\n{await errors}");
        Assert.Contains("CHAOS: PASSED", await output, StringComparison.Ordinal);
    }
}
