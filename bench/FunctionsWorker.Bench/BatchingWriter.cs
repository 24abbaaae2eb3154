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
        md.AppendLine("# Dynamic batching: OCR throughput against jobs at once, off and on");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- Date: {machine.Date:yyyy-MM-dd HH:mm} UTC; {machine.Cores} cores ({machine.Cpu}), {machine.Os}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Load average (1/5/15 min): {machine.LoadAverage} before, {loadAfter} after");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Command: `{command}`; per row, 1 warm-up and {report.Rounds} measured rounds on each side, alternating on and off, each round the same {BatchingBenchmark.JobsPerRound} OCR jobs (image i mod n), at most N at once");
        md.AppendLine("- On is the worker's default (`MaxBatchSize` 8, `MaxQueueDelay` 0); off sets `Models:ocr-det:MaxBatchSize` and `Models:ocr-rec:MaxBatchSize` to 1");
        md.AppendLine("- Raw numbers: [batching.json](batching.json); plots: [plots/batching-documents.png](plots/batching-documents.png), [plots/batching-tags.png](plots/batching-tags.png), [plots/batch-scaling.png](plots/batch-scaling.png)");
        md.AppendLine();
        foreach (var workload in report.Workloads)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"## {workload.Name} ({workload.Images})");
            md.AppendLine();
            md.AppendLine("| jobs at once | off: median round (ms) | on: median round (ms) | off: jobs/s | on: jobs/s | on / off |");
            md.AppendLine("|---:|---:|---:|---:|---:|---:|");
            foreach (var point in workload.Points)
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {point.JobsAtOnce} | {point.OffMedianRoundMs:F0} | {point.OnMedianRoundMs:F0} | {point.OffJobsPerSecond:F2} | {point.OnJobsPerSecond:F2} | **{point.Ratio:F2}×** |");
            }

            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Runs by requests merged, batching on, {workload.Points[^1].JobsAtOnce} jobs at once (warm-up round included): ocr-det {Sizes(workload, "ocr-det")}; ocr-rec {Sizes(workload, "ocr-rec")}.");
            md.AppendLine();
        }

        md.AppendLine("## What a merged run costs per row (each model alone, median of 5 after 2 unmeasured runs)");
        md.AppendLine();
        md.AppendLine("| model | shape past the batch axis | rows | run (ms) | per row (ms) |");
        md.AppendLine("|---|---|---:|---:|---:|");
        foreach (var point in report.Scaling)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {point.Model} | {point.Shape} | {point.Rows} | {point.MedianMs:F1} | {point.PerRowMs:F2} |");
        }

        return md.ToString();
    }

    private static string Sizes(BatchingWorkload workload, string model) =>
        workload.BatchSizes.TryGetValue(model, out var sizes) && sizes.Any(s => s.Value > 0)
            ? string.Join(", ", sizes.Where(s => s.Value > 0).OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))
            : "(none)";
}
