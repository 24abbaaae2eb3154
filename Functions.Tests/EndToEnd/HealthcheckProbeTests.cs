using System.Diagnostics;
using Functions.Tests.Fixtures;

namespace Functions.Tests.EndToEnd;

/// <summary>
/// The Dockerfile's HEALTHCHECK command, read from the file with the image path pointed at the built worker, run under
/// dash (the /bin/sh of both base images) against the real worker process.
/// </summary>
[Collection(AzuriteCollection.Name)]
[Trait(NativeAot.Category, NativeAot.Included)]
public sealed class HealthcheckProbeTests(AzuriteFixture azurite)
{
    private const string ImageAppDirectory = "/app/";

    private Dictionary<string, string> Settings() => new()
    {
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["JobsQueueName"] = "probe-" + Guid.NewGuid().ToString("N")[..8],
        ["JobsTableName"] = "probe" + Guid.NewGuid().ToString("N")[..10],
        ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.250",
    };

    [Fact]
    public async Task Healthcheck_HealthyWorker_ExitsZero_AndReadyOnceWarm()
    {
        await using var worker = WorkerProcess.Start(Settings());
        await WorkerProcessTests.WaitForHealthAsync(worker);

        var (exitCode, output) = await RunHealthcheckAsync(worker.Port);
        Assert.True(exitCode == 0, output + "\n" + worker.Output);
        Assert.Contains($"GET http://127.0.0.1:{worker.Port}/api/health -> 200", output, StringComparison.Ordinal);

        await Eventually.HoldsAsync(async () => (await RunHealthcheckAsync(worker.Port, "ready")).ExitCode == 0);
    }

    [Fact]
    public async Task Healthcheck_StorageUnreachable_LivenessZero_ReadyOne()
    {
        var deadPort = WorkerProcess.FreePort();
        var settings = Settings();
        settings["AzureWebJobsStorage"] = azurite.ConnectionString.Replace($":{azurite.QueuePort}/", $":{deadPort}/", StringComparison.Ordinal);
        await using var worker = WorkerProcess.Start(settings);
        await WorkerProcessTests.WaitForHealthAsync(worker);

        var live = await RunHealthcheckAsync(worker.Port);
        var ready = await RunHealthcheckAsync(worker.Port, "ready");

        Assert.True(live.ExitCode == 0, live.Output);
        Assert.Equal(1, ready.ExitCode);
        Assert.Contains($"GET http://127.0.0.1:{worker.Port}/api/ready -> 503", ready.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", live.Output + ready.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthcheck_NothingListening_ExitsOne()
    {
        var (exitCode, output) = await RunHealthcheckAsync(WorkerProcess.FreePort());

        Assert.Equal(1, exitCode);
        Assert.Contains("failed", output, StringComparison.Ordinal);
    }

    /// <summary>The HEALTHCHECK CMD as `dash -c` runs it, with PORT set as in the image; extra words appended.</summary>
    private static async Task<(int ExitCode, string Output)> RunHealthcheckAsync(int port, params string[] extra)
    {
        var binaries = WorkerProcess.BinariesDirectory + Path.DirectorySeparatorChar;
        var words = DockerfileReader.HealthcheckCommand()
            .Select(word => word.StartsWith(ImageAppDirectory, StringComparison.Ordinal) ? binaries + word[ImageAppDirectory.Length..] : word)
            .Concat(extra);
        var start = new ProcessStartInfo("/bin/dash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Docker runs the check in the image's WORKDIR (/app), beside host.json.
            WorkingDirectory = binaries,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(string.Join(' ', words.Select(word => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'")));
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dash did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        // A hang guard only: the check has its own timeout.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await output) + (await errors));
    }
}
