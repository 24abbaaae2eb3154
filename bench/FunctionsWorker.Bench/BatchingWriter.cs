using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FunctionsWorker.Bench;

/// <summary>Writes the batching comparison to <c>batching.json</c> and <c>batching.md</c>, apart from results.md so it can run alone.</summary>
internal static class BatchingWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task WriteAsync(BatchingReport report, MachineInfo machine, string command, string loadAfter, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var json = JsonSerializer.Serialize(new { machine, command, loadAverageAfter = loadAfter, report }, Json);
        await File.WriteAllTextAsync(Path.Combine(directory, "batching.json"), json + "\n", cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, "batching.md"), Markdown(report, machine, command, loadAfter), cancellationToken).ConfigureAwait(false);
    }

    public static string Markdown(BatchingReport report, MachineInfo machine, string command, string loadAfter)
    {
        var md = new StringBuilder();
        md.AppendLine("# Dynamic batching: OCR throughput at " + report.Concurrency.ToString(CultureInfo.InvariantCulture) + " jobs at once");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- Date: {machine.Date:yyyy-MM-dd HH:mm} UTC; {machine.Cores} cores ({machine.Cpu}), {machine.Os}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Load average (1/5/15 min): {machine.LoadAverage} before, {loadAfter} after");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Command: `{command}`; {report.Rounds} measured rounds after 1 warm-up round, each round {report.Concurrency} jobs started together (image i mod n)");
        md.AppendLine("- Raw numbers: [batching.json](batching.json)");
        md.AppendLine();
        md.AppendLine("| batching | median round (ms) | jobs/s | ocr-det runs by requests merged | ocr-rec runs by requests merged |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var result in new[] { report.Off, report.On })
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {(result.Batching ? "on" : "off")} | {result.MedianRoundMs:F0} | {result.JobsPerSecond:F2} | {Sizes(result, "ocr-det")} | {Sizes(result, "ocr-rec")} |");
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Throughput ratio on / off: **{report.Ratio:F2}×**");
        return md.ToString();
    }

    private static string Sizes(BatchingResult result, string model) =>
        result.BatchSizes.TryGetValue(model, out var sizes) && sizes.Count > 0
            ? string.Join(", ", sizes.Where(s => s.Value > 0).OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))
            : "(off)";
}
