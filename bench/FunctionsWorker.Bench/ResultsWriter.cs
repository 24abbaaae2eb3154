using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FunctionsWorker.Bench;

/// <summary>Writes <c>results.json</c> (every raw number) and <c>results.md</c> (the tables a reader wants).</summary>
internal static class ResultsWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task WriteAsync(BenchReport report, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "results.json"), JsonSerializer.Serialize(report, Json) + "\n", cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, "results.md"), Markdown(report), cancellationToken).ConfigureAwait(false);
    }

    public static string Markdown(BenchReport report)
    {
        var md = new StringBuilder();
        var m = report.Machine;
        md.AppendLine("# FunctionsWorker benchmark results");
        md.AppendLine();
        Line(md, $"- Date: {m.Date:yyyy-MM-dd HH:mm} UTC");
        Line(md, $"- Machine: {m.Cores} cores ({m.Cpu}), {m.Os}");
        Line(md, $"- Load average (1/5/15 min): {m.LoadAverage} before, {report.LoadAverageAfter} after (above {m.Cores}, other processes shared the cores)");
        Line(md, $"- Runtime: {m.Runtime}, ONNX Runtime {m.OnnxRuntime}, {m.Configuration} build");
        Line(md, $"- Command: `{report.Command}`");
        Line(md, $"- Images (bench/images): {string.Join(", ", report.Images)}");
        md.AppendLine("- Raw numbers: [results.json](results.json); what each section measures: [README.md](README.md)");

        if (report.Pipeline is { } pipeline)
        {
            md.AppendLine();
            Line(md, $"## 1. OCR pipeline in process, by stage (ms, median of {pipeline.Runs} runs after {pipeline.WarmupRuns} warm-up)");
            md.AppendLine();
            Line(md, $"Overlay {(pipeline.Overlay ? "on (the encode stage draws and encodes overlay.png)" : "off (encode is empty)")}; models warmed in {F(pipeline.ModelWarmupMs, 0)} ms before measuring.");
            md.AppendLine();
            md.AppendLine("| image | size | lines | decode | detect | recognise | encode | total | p50 | p90 | p99 |");
            md.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
            foreach (var image in pipeline.Images)
            {
                var t = image.Median;
                var l = image.Latency;
                Line(md, $"| {image.Image} | {image.Width}x{image.Height} | {image.Lines} | {F(t.Decode)} | {F(t.Detect)} | {F(t.Recognize)} | {F(t.Encode)} | {F(t.Total)} | {F(l.P50)} | {F(l.P90)} | {F(l.P99)} |");
            }

            md.AppendLine();
            Line(md, $"p50/p90/p99: nearest-rank percentiles of the total over the {pipeline.Runs} measured runs (with few runs p99 is the slowest run).");
            md.AppendLine();
            Line(md, $"### First job after ready (ms): a fresh composition per image, warmed as the worker warms before fetching, then the first job against the median of the {pipeline.Runs} after it");
            md.AppendLine();
            md.AppendLine("| image | warm-up | first job | median after | first / median |");
            md.AppendLine("|---|--:|--:|--:|--:|");
            foreach (var first in pipeline.FirstJobs)
            {
                Line(md, $"| {first.Image} | {F(first.WarmupMs, 0)} | {F(first.FirstMs)} | {F(first.MedianAfterMs)} | {F(first.Ratio, 2)} |");
            }

            md.AppendLine();
            Line(md, $"In-process throughput over the queue section's job list ({pipeline.Jobs} jobs, image i mod {pipeline.Images.Count}, one after another): **{F(pipeline.JobsPerSecond, 2)} jobs/s**.");
        }

        if (report.Queue is { } queue)
        {
            md.AppendLine();
            Line(md, $"## 2. End to end through Azurite ({queue.Jobs} OCR jobs per run, median of {queue.Runs} runs)");
            md.AppendLine();
            Line(md, $"Worker hosted in the bench process (Program.cs composition, device {queue.Device}), host.json defaults (dynamic concurrency on; static batchSize {queue.BatchSize} unused) except maxPollingInterval {F(queue.MaxPollingIntervalMs, 0)} ms (the idle back-off cap; 2 s would add up to 2 s before a short batch's first fetch). Time: first enqueue to the latest `completedAt` of the batch's job records.");
            md.AppendLine();
            md.AppendLine("| run | jobs | seconds | jobs/s | median queue wait (ms) | median job duration (ms) |");
            md.AppendLine("|--:|--:|--:|--:|--:|--:|");
            for (var i = 0; i < queue.Results.Count; i++)
            {
                var r = queue.Results[i];
                Line(md, $"| {i + 1} | {r.Jobs} | {F(r.Seconds, 2)} | {F(r.JobsPerSecond, 2)} | {F(r.MedianQueueWaitMs, 0)} | {F(r.MedianJobDurationMs, 0)} |");
            }

            md.AppendLine();
            md.AppendLine("| path | jobs/s |");
            md.AppendLine("|---|--:|");
            Line(md, $"| queue (Azurite + in-process worker), median | {F(queue.MedianJobsPerSecond, 2)} |");
            Line(md, $"| pipeline alone, same job list, sequential | {F(queue.InProcessJobsPerSecond, 2)} |");
            Line(md, $"| ratio queue / in-process | {F(queue.Ratio, 3)} |");
            md.AppendLine();
            Line(md, $"Throughput against jobs at once (a fresh worker per row: batchSize 1, newBatchThreshold n - 1, dynamic concurrency off; one warm batch, then one measured batch of {queue.Jobs} jobs):");
            md.AppendLine();
            md.AppendLine("| jobs at once | seconds | jobs/s | median job duration (ms) |");
            md.AppendLine("|--:|--:|--:|--:|");
            foreach (var c in queue.Concurrency)
            {
                Line(md, $"| {c.JobsAtOnce} | {F(c.Seconds, 2)} | {F(c.JobsPerSecond, 2)} | {F(c.MedianJobDurationMs, 0)} |");
            }

            if (queue.Concurrency.FirstOrDefault(c => c.JobsAtOnce == 1) is { } alone)
            {
                // The table above compares the queue at the host.json defaults (jobs overlapping) with a sequential run.
                md.AppendLine();
                Line(md, $"At one job at once, the sequential in-process run's concurrency: queue / in-process **{F(alone.JobsPerSecond / queue.InProcessJobsPerSecond, 3)}**.");
            }
        }

        if (report.Startup is { } startup)
        {
            md.AppendLine();
            Line(md, $"## 3. Worker process start to first 200 on /api/health (ms, median of {startup.Runs} runs after {startup.WarmupRuns} warm-up)");
            md.AppendLine();
            Line(md, $"`dotnet {startup.WorkerDll}`, polled every {F(startup.PollIntervalMs, 0)} ms from just before the process starts; AzureWebJobsStorage=UseDevelopmentStorage=true with nothing listening there.");
            md.AppendLine();
            Line(md, $"Alternating: each round starts every configuration once, in the order below; ratio = median / the bare app's median.");
            md.AppendLine();
            md.AppendLine("| configuration | median | min | max | × bare | runs |");
            md.AppendLine("|---|--:|--:|--:|--:|---|");
            foreach (var r in startup.Results)
            {
                Line(md, $"| {r.Configuration} | {F(r.MedianMs, 0)} | {F(r.MinMs, 0)} | {F(r.MaxMs, 0)} | {F(r.RatioToBare, 2)} | {string.Join(", ", r.RunsMs.Select(v => F(v, 0)))} |");
            }
        }

        md.AppendLine();
        md.AppendLine("## Plots");
        md.AppendLine();
        if (report.Pipeline is not null)
        {
            md.AppendLine("![latency per image](plots/latency.png)");
        }

        if (report.Startup is not null)
        {
            md.AppendLine("![start-up](plots/startup.png)");
        }

        if (report.Queue is not null)
        {
            md.AppendLine("![throughput against concurrency](plots/throughput.png)");
        }

        return md.ToString();
    }

    private static void Line(StringBuilder md, FormattableString line) => md.AppendLine(line.ToString(CultureInfo.InvariantCulture));

    private static string F(double value, int digits = 1) => value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
