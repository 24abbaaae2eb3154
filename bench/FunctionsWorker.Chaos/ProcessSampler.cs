using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace FunctionsWorker.Chaos;

/// <summary>Samples a worker process: memory and threads from /proc/&lt;pid&gt;/status, open files from /proc/&lt;pid&gt;/fd, and /api/status.</summary>
internal sealed class ProcessSampler(int pid, HttpClient http)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public async Task<ProcessSample> SampleAsync(CancellationToken cancellationToken)
    {
        var status = (await File.ReadAllLinesAsync($"/proc/{pid}/status", cancellationToken).ConfigureAwait(false))
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1].Trim(), StringComparer.Ordinal);
        var openFiles = Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;
        using var body = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/status", UriKind.Relative), cancellationToken).ConfigureAwait(false));
        var root = body.RootElement;
        var memory = Property(root, "memory");
        var succeeded = 0L;
        foreach (var count in Property(root, "counts").EnumerateObject())
        {
            if (count.Name.Equals("Succeeded", StringComparison.OrdinalIgnoreCase))
            {
                succeeded = count.Value.GetInt64();
            }
        }

        return new ProcessSample(
            _clock.Elapsed,
            succeeded,
            Kilobytes(status["VmRSS"]),
            Kilobytes(status["RssAnon"]),
            int.Parse(status["Threads"], CultureInfo.InvariantCulture),
            openFiles,
            Property(memory, "workingSetBytes").GetInt64(),
            Property(memory, "managedHeapBytes").GetInt64());
    }

    private static JsonElement Property(JsonElement element, string name) =>
        element.EnumerateObject().First(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    private static long Kilobytes(string value) => long.Parse(value.Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
}
