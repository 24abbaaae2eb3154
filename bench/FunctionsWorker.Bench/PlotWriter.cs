using ScottPlot;

namespace FunctionsWorker.Bench;

/// <summary>
/// Writes the bench's PNG plots into <c>plots/</c> beside the results (ScottPlot): per-image latency distribution,
/// process start-up by configuration, and queue throughput against jobs at once. A skipped section draws no plot.
/// </summary>
internal static class PlotWriter
{
    private const int Width = 800;
    private const int Height = 450;

    public static IReadOnlyList<string> Write(BenchReport report, string directory)
    {
        var plots = Path.Combine(directory, "plots");
        Directory.CreateDirectory(plots);
        var written = new List<string>();
        if (report.Pipeline is { } pipeline)
        {
            written.Add(Latency(pipeline, Path.Combine(plots, "latency.png")));
        }

        if (report.Startup is { } startup)
        {
            written.Add(Startup(startup, Path.Combine(plots, "startup.png")));
        }

        if (report.Queue is { Concurrency.Count: > 0 } queue)
        {
            written.Add(Throughput(queue, Path.Combine(plots, "throughput.png")));
        }

        return written;
    }

    /// <summary>One box per image over its measured totals, the first job after ready as a red marker.</summary>
    private static string Latency(PipelineReport pipeline, string path)
    {
        var plot = new Plot();
        var boxes = new List<Box>();
        for (var i = 0; i < pipeline.Images.Count; i++)
        {
            var totals = pipeline.Images[i].Runs.Select(r => r.Total).Order().ToArray();
            boxes.Add(new Box
            {
                Position = i,
                BoxMin = Statistics.Percentile(totals, 25),
                BoxMax = Statistics.Percentile(totals, 75),
                WhiskerMin = totals[0],
                WhiskerMax = totals[^1],
                BoxMiddle = Statistics.Median(totals),
            });
        }

        plot.Add.Boxes(boxes);
        var firsts = pipeline.FirstJobs.Select(f => f.FirstMs).ToArray();
        var marker = plot.Add.Markers(Enumerable.Range(0, firsts.Length).Select(i => (double)i).ToArray(), firsts, MarkerShape.FilledDiamond, 10, Colors.Red);
        marker.LegendText = "first job after ready (fresh composition)";
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, pipeline.Images.Count).Select(i => (double)i)], [.. pipeline.Images.Select(i => i.Image)]);
        plot.Title($"OCR latency per image, {pipeline.Runs} runs (box p25-p75, median, min-max)");
        plot.YLabel("ms");
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, Width, Height);
        return path;
    }

    /// <summary>Median start to first health 200 per configuration, min-max as error bars.</summary>
    private static string Startup(StartupReport startup, string path)
    {
        var plot = new Plot();
        var bars = startup.Results.Select((r, i) => new Bar
        {
            Position = i,
            Value = r.MedianMs,
            Error = (r.MaxMs - r.MinMs) / 2,
            FillColor = Colors.SteelBlue,
        }).ToList();
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, startup.Results.Count).Select(i => (double)i)], [.. startup.Results.Select(r => Wrap(r.Configuration))]);
        plot.Axes.Bottom.MinimumSize = 60;
        plot.Title($"Start to first /api/health 200, median of {startup.Runs} (bar: half min-max)");
        plot.YLabel("ms");
        plot.Axes.Margins(bottom: 0);
        plot.SavePng(path, Width, Height);
        return path;
    }

    /// <summary>The batching section's plots: throughput against jobs at once off and on, and cost per row by rows.</summary>
    public static IReadOnlyList<string> WriteBatching(BatchingReport report, string directory)
    {
        var plots = Path.Combine(directory, "plots");
        Directory.CreateDirectory(plots);
        return
        [
            .. report.Workloads.Select(workload => BatchingThroughput(report, workload, Path.Combine(plots, $"batching-{workload.Name}.png"))),
            BatchScaling(report, Path.Combine(plots, "batch-scaling.png")),
        ];
    }

    private static string BatchingThroughput(BatchingReport report, BatchingWorkload workload, string path)
    {
        var plot = new Plot();
        var x = workload.Points.Select(p => (double)p.JobsAtOnce).ToArray();
        var off = plot.Add.Scatter(x, workload.Points.Select(p => p.OffJobsPerSecond).ToArray());
        off.LegendText = "batching off (MaxBatchSize 1)";
        var on = plot.Add.Scatter(x, workload.Points.Select(p => p.OnJobsPerSecond).ToArray());
        on.LegendText = "batching on (default: MaxBatchSize 8, MaxQueueDelay 0)";
        return SaveLines(
            plot, x, $"OCR throughput in process, {workload.Name}: {BatchingBenchmark.JobsPerRound} jobs a round, median of {report.Rounds}",
            "OCR jobs at once", "jobs/s", Alignment.LowerRight, path);
    }

    private static string BatchScaling(BatchingReport report, string path)
    {
        var plot = new Plot();
        foreach (var group in report.Scaling.GroupBy(p => (p.Model, p.Shape)))
        {
            var line = plot.Add.Scatter(group.Select(p => (double)p.Rows).ToArray(), group.Select(p => p.PerRowMs).ToArray());
            line.LegendText = $"{group.Key.Model} Nx{group.Key.Shape}";
        }

        var rows = report.Scaling.Select(p => (double)p.Rows).Distinct().Order().ToArray();
        return SaveLines(plot, rows, "One model run alone: cost per row by rows in the run", "rows in one run (batch size)", "ms per row", Alignment.UpperLeft, path);
    }

    /// <summary>Jobs per second through Azurite against the jobs the worker runs at once.</summary>
    private static string Throughput(QueueReport queue, string path)
    {
        var plot = new Plot();
        var x = queue.Concurrency.Select(c => (double)c.JobsAtOnce).ToArray();
        var y = queue.Concurrency.Select(c => c.JobsPerSecond).ToArray();
        var line = plot.Add.Scatter(x, y);
        line.LegendText = "worker defaults (batching on)";
        return SaveLines(
            plot, x, $"Queue throughput, {queue.Jobs} OCR jobs per batch, device {queue.Device}",
            "jobs at once (batchSize 1, newBatchThreshold n-1)", "jobs/s", Alignment.LowerRight, path);
    }

    /// <summary>A line plot's common end: one tick per measured x, titles, legend, written as PNG.</summary>
    private static string SaveLines(Plot plot, double[] ticks, string title, string xLabel, string yLabel, Alignment legend, string path)
    {
        plot.Axes.Bottom.SetTicks(ticks, [.. ticks.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(legend);
        plot.SavePng(path, Width, Height);
        return path;
    }

    private static string Wrap(string text) => text.Replace(", ", ",\n", StringComparison.Ordinal).Replace(" (", "\n(", StringComparison.Ordinal);
}
