using System.Diagnostics;

namespace FunctionsWorker.Bench;

/// <summary>Runs the chosen sections in order (pipeline first: the queue section compares against it) and writes the results.</summary>
internal sealed class BenchRunner(BenchSettings settings)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var images = BenchImages.Load(settings.ImagesDirectory);
        var machine = MachineInfo.Current();
        Console.WriteLine($"{machine.Cores} cores, {machine.Os}, {machine.Runtime}, {settings.Sections.Count} section(s), images: {string.Join(", ", images.Select(i => i.Name))}");
        var clock = Stopwatch.StartNew();

        PipelineReport? pipeline = null;
        await using var reference = settings.Sections.Contains("reference")
            ? await ReferenceRounds.StartAsync(images, cancellationToken).ConfigureAwait(false)
            : null;
        if (settings.Sections.Contains("pipeline") || settings.Sections.Contains("queue") || reference is not null)
        {
            Console.WriteLine(reference is null ? "1. OCR pipeline in process" : "1. OCR pipeline in process, each round after one of the Node reference");
            pipeline = await new PipelineBenchmark(settings, images).RunAsync(reference, cancellationToken).ConfigureAwait(false);
        }

        QueueReport? queue = null;
        if (settings.Sections.Contains("queue"))
        {
            Console.WriteLine("2. End to end through Azurite");
            queue = await new QueueBenchmark(settings, images).RunAsync(pipeline!.JobsPerSecond, cancellationToken).ConfigureAwait(false);
        }

        if (reference is not null)
        {
            Console.WriteLine("The Node reference on the same images");
            var path = Path.Combine(settings.OutputDirectory, "reference.md");
            var lines = new List<string> { "# OCR against the Node reference", string.Empty, $"Machine: {machine.Cores} cores, {machine.Cpu}, {machine.Os}, {machine.Runtime}, ONNX Runtime {machine.OnnxRuntime}, {machine.Date:yyyy-MM-dd}. Command: `{settings.CommandLine}`.", string.Empty };
            lines.AddRange(new ReferenceBenchmark(settings, images).Lines(pipeline!, queue, reference));
            await File.WriteAllLinesAsync(path, lines, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(string.Join('\n', lines));
        }

        StartupReport? startup = null;
        if (settings.Sections.Contains("startup"))
        {
            Console.WriteLine("3. Process start to first health 200");
            startup = await new StartupBenchmark(settings).RunAsync(cancellationToken).ConfigureAwait(false);
        }

        if (settings.Sections.Contains("batching"))
        {
            Console.WriteLine("4. Dynamic batching off and on, 1 to 8 OCR jobs at once");
            var batching = await new BatchingBenchmark(settings, images).RunAsync(cancellationToken).ConfigureAwait(false);
            await BatchingWriter.WriteAsync(batching, machine, settings.CommandLine, MachineInfo.LoadAverageNow(), settings.OutputDirectory, cancellationToken).ConfigureAwait(false);
            foreach (var plot in PlotWriter.WriteBatching(batching, settings.OutputDirectory))
            {
                Console.WriteLine($"wrote {plot}");
            }

            Console.WriteLine(BatchingWriter.Markdown(batching, machine, settings.CommandLine, MachineInfo.LoadAverageNow()));
            if (pipeline is null && startup is null)
            {
                // Run alone: results.md keeps the other sections' last figures.
                return 0;
            }
        }

        if (settings.Sections.Contains("shapes"))
        {
            Console.WriteLine("Shape cost: session settings, first run of a new shape, exact against padded shapes");
            var shapes = new ShapeCostBenchmark(settings.Runs);
            var rows = shapes.Run();
            var path = Path.Combine(settings.OutputDirectory, "shapes.md");
            await File.WriteAllTextAsync(path, shapes.Markdown(rows, machine, settings.CommandLine), cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"wrote {path}");
            if (settings.Sections.Count == 1)
            {
                return 0;
            }
        }

        if (settings.Sections.Contains("folding"))
        {
            Console.WriteLine("Graph folding: the OCR models unfolded and folded, and the folded recogniser's cost per column");
            var folding = new FoldingBenchmark(settings.Runs);
            var (models, columns) = folding.Run();
            var path = Path.Combine(settings.OutputDirectory, "folding.md");
            await File.WriteAllTextAsync(path, folding.Markdown(models, columns, machine, settings.CommandLine), cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"wrote {path}");
            if (settings.Sections.Count == 1)
            {
                return 0;
            }
        }

        if (settings.Sections.Contains("queue-path") || settings.Sections.Contains("cold-start"))
        {
            var lines = new List<string> { "# Queue path, cold start, dynamic concurrency", string.Empty, $"Machine: {machine.Cores} cores, {machine.Os}, {machine.Runtime}. Command: `{settings.CommandLine}`.", string.Empty };
            if (settings.Sections.Contains("queue-path"))
            {
                Console.WriteLine("4. Queue path: storage operations, CPU, polling latency, dynamic concurrency");
                lines.AddRange(await new QueuePathBenchmark(settings, images).RunAsync(cancellationToken).ConfigureAwait(false));
            }

            if (settings.Sections.Contains("cold-start"))
            {
                Console.WriteLine("5. Cold start to the first OCR result, models from blob");
                lines.AddRange(await new ColdStartBenchmark(images).RunAsync(cancellationToken).ConfigureAwait(false));
            }

            var path = Path.Combine(settings.OutputDirectory, "queue-path-results.md");
            await File.WriteAllLinesAsync(path, lines, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"wrote {path}");
            if (pipeline is null && queue is null && startup is null)
            {
                return 0;
            }
        }

        var report = new BenchReport(machine, settings.CommandLine, [.. images.Select(i => i.Name + ".png")], pipeline, queue, startup, MachineInfo.LoadAverageNow());
        await ResultsWriter.WriteAsync(report, settings.OutputDirectory, cancellationToken).ConfigureAwait(false);
        foreach (var plot in PlotWriter.Write(report, settings.OutputDirectory))
        {
            Console.WriteLine($"wrote {plot}");
        }

        Console.WriteLine();
        Console.WriteLine(ResultsWriter.Markdown(report));
        Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:F0} s: {Path.Combine(settings.OutputDirectory, "results.md")}, results.json");
        return 0;
    }
}
