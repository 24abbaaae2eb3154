using System.Diagnostics;

namespace FunctionsWorker.Bench;

/// <summary>
/// The Node reference held open on the bench images, one round over them when asked: the pipeline section alternates
/// its rounds with the worker's, so drift on the shared machine falls on both sides of the ratio alike.
/// </summary>
internal sealed class ReferenceRounds : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Dictionary<string, string> _imageByPath;

    private ReferenceRounds(Process process, Dictionary<string, string> imageByPath)
    {
        _process = process;
        _imageByPath = imageByPath;
    }

    /// <summary>Each image's measured times (ms), by image name.</summary>
    public Dictionary<string, List<double>> Times { get; } = [];

    /// <summary>Characters each image read in its last round, whitespace aside, by image name.</summary>
    public Dictionary<string, int> Characters { get; } = [];

    /// <summary>Writes the images where the reference reads them, starts it and waits for its first text (one unmeasured run).</summary>
    public static async Task<ReferenceRounds> StartAsync(IReadOnlyList<BenchImage> images, CancellationToken cancellationToken)
    {
        await NodeReference.EnsureInstalledAsync(cancellationToken).ConfigureAwait(false);
        var directory = Directory.CreateTempSubdirectory("worker-bench-reference-").FullName;
        var imageByPath = new Dictionary<string, string>();
        foreach (var image in images)
        {
            var path = Path.Combine(directory, image.Name + ".png");
            await File.WriteAllBytesAsync(path, image.Content, cancellationToken).ConfigureAwait(false);
            imageByPath[path] = image.Name;
        }

        var rounds = new ReferenceRounds(NodeReference.Start([imageByPath.Keys.First(), .. imageByPath.Keys], paced: true), imageByPath);
        await rounds.ReadUntilAsync("first-text", measured: false, cancellationToken).ConfigureAwait(false);
        return rounds;
    }

    /// <summary>One round over every image; its times count when <paramref name="measured"/>.</summary>
    public async Task RunRoundAsync(bool measured, CancellationToken cancellationToken)
    {
        await _process.StandardInput.WriteLineAsync("round".AsMemory(), cancellationToken).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
        await ReadUntilAsync("round", measured, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await NodeReference.StopAsync(_process).ConfigureAwait(false);
        _process.Dispose();
    }

    private async Task ReadUntilAsync(string last, bool measured, CancellationToken cancellationToken)
    {
        while (await _process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } text)
        {
            var line = ReferenceEvent.Parse(text, 0);
            if (line.Event == "image" && _imageByPath.TryGetValue(line.Image!, out var image))
            {
                Characters[image] = line.Characters;
                if (measured)
                {
                    (Times.TryGetValue(image, out var times) ? times : Times[image] = []).Add(line.Ms);
                }
            }
            else if (line.Event == last)
            {
                return;
            }
        }

        throw new InvalidOperationException($"The Node reference ended before its \"{last}\" event.");
    }
}
