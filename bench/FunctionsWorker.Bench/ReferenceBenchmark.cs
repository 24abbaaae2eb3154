namespace FunctionsWorker.Bench;

/// <summary>
/// Section reference: the Node reference's steady per-image time on the bench images, its rounds alternating with the
/// pipeline section's (<see cref="ReferenceRounds"/>), against the pipeline's own medians; with the queue section's
/// 32-at-once row when it ran. Markdown lines.
/// </summary>
internal sealed class ReferenceBenchmark(BenchSettings settings, IReadOnlyList<BenchImage> images)
{
    public List<string> Lines(PipelineReport pipeline, QueueReport? queue, ReferenceRounds reference)
    {
        var rows = new List<string>();
        var workerMedians = new List<double>();
        var referenceMedians = new List<double>();
        for (var i = 0; i < images.Count; i++)
        {
            var result = pipeline.Images.Single(r => r.Image == images[i].Name);
            var worker = result.Median.Total;
            var node = Statistics.Median(reference.Times[images[i].Name]);
            workerMedians.Add(worker);
            referenceMedians.Add(node);
            rows.Add($"| {images[i].Name} ({images[i].Width}x{images[i].Height}) | {worker:F1} | {node:F1} | {worker / node:F3} | {result.Characters} | {reference.Characters[images[i].Name]} |");
        }

        var workerPooled = Statistics.Median(pipeline.Images.SelectMany(r => r.Runs.Select(t => t.Total)));
        var referencePooled = Statistics.Median(reference.Times.Values.SelectMany(t => t));
        // The reference's sequential rate over the queue section's job list (image i mod n).
        var referenceRate = pipeline.Jobs / (Enumerable.Range(0, pipeline.Jobs).Sum(i => referenceMedians[i % referenceMedians.Count]) / 1000);
        List<string> lines =
        [
            "## Against the Node reference",
            string.Empty,
            $"`@gutenye/ocr-node` 1.4.8 (`bench/node-reference/first-text.mjs`, the same PP-OCRv4 models on onnxruntime-node), held open through the pipeline section: before each of its rounds (one unmeasured, then {settings.Runs}), one round of the reference over the same images, so both sides run in the same minutes; each image's median. The worker's figures are section 1's medians (overlay {(pipeline.Overlay ? "on" : "off")}). Characters read: the text of the last run, whitespace aside, so a faster side is not one that read less.",
            string.Empty,
            "| image | worker median ms | reference median ms | worker / reference | characters read, worker | characters read, reference |",
            "|---|---:|---:|---:|---:|---:|",
            .. rows,
            $"| every run of every image, pooled | {workerPooled:F1} | {referencePooled:F1} | {workerPooled / referencePooled:F3} |",
            $"| median of the per-image medians | {Statistics.Median(workerMedians):F1} | {Statistics.Median(referenceMedians):F1} | {Statistics.Median(workerMedians) / Statistics.Median(referenceMedians):F3} |",
            string.Empty,
            $"Reference sequential rate over the {pipeline.Jobs}-job list: {referenceRate:F2} images/s; worker in process, one at a time: {pipeline.JobsPerSecond:F2} images/s ({pipeline.JobsPerSecond / referenceRate:F3}x).",
        ];
        if (queue?.Concurrency.FirstOrDefault(c => c.JobsAtOnce == 32) is { } wide)
        {
            lines.Add($"Worker through Azurite, 32 jobs at once ({wide.Jobs} jobs): {wide.JobsPerSecond:F2} images/s, {wide.JobsPerSecond / referenceRate:F3}x the reference's sequential rate.");
        }

        var firsts = pipeline.FirstJobs.Select(f => f.Ratio).ToArray();
        if (firsts.Length > 0)
        {
            lines.Add($"First job after ready / the image's median after it: {firsts.Min():F3}-{firsts.Max():F3} (section 1).");
        }

        lines.Add(string.Empty);
        return lines;
    }
}
