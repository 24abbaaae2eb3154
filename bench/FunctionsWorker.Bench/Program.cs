using System.CommandLine;
using FunctionsWorker.Bench;

var runs = new Option<int>("--runs") { Description = "Measured runs per image of the in-process OCR pipeline, after one warm-up run.", DefaultValueFactory = _ => 5 };
var queueRuns = new Option<int>("--queue-runs") { Description = "Measured batches through Azurite, after one warm-up batch.", DefaultValueFactory = _ => 3 };
var jobs = new Option<int>("--jobs") { Description = "OCR jobs per batch through Azurite (image i mod n).", DefaultValueFactory = _ => 16 };
var startupRuns = new Option<int>("--startup-runs") { Description = "Measured worker starts per configuration, after one warm-up start.", DefaultValueFactory = _ => 5 };
var overlay = new Option<bool>("--overlay") { Description = "Ask every OCR job for overlay.png, so the encode stage does work.", DefaultValueFactory = _ => true };
var pollingInterval = new Option<TimeSpan>("--max-polling-interval")
{
    Description = "The queue listener's idle back-off cap in the queue section (host.json maxPollingInterval).",
    DefaultValueFactory = _ => TimeSpan.FromMilliseconds(100),
};
var only = new Option<string[]>("--only") { Description = "Sections to run (default: pipeline, queue, startup): pipeline, queue, startup, batching, queue-path, cold-start (the last two write queue-path-results.md), shapes (shapes.md: what a new input shape costs under each ONNX Runtime setting), folding (folding.md: the OCR models unfolded against folded, and the recogniser's cost per column), reference (reference.md: the Node reference on the same images, its rounds alternating with the pipeline section's).", AllowMultipleArgumentsPerToken = true };
only.AcceptOnlyFromAmong("pipeline", "queue", "startup", "batching", "queue-path", "cold-start", "shapes", "folding", "reference");
var images = new Option<DirectoryInfo>("--images") { Description = "Directory of PNG inputs.", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(RepositoryPaths.Root, "bench", "images")) };
var output = new Option<DirectoryInfo>("--output") { Description = "Where results.md and results.json go.", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(RepositoryPaths.Root, "bench")) };
var startupBaseline = new Option<FileInfo?>("--startup-baseline")
{
    Description = "Also time this FunctionsWorker.dll (a build of another commit) in the start-up rounds, for a before/after comparison.",
};
var renderImages = new Option<bool>("--render-images") { Description = "Redraw the rendered-*.png inputs into --images and exit." };
foreach (var count in new[] { runs, queueRuns, jobs, startupRuns })
{
    count.Validators.Add(result =>
    {
        if (result.GetValueOrDefault<int>() < 1)
        {
            result.AddError($"{result.Option.Name} must be at least 1.");
        }
    });
}

var root = new RootCommand("FunctionsWorker benchmark: OCR stages in process, jobs/s through Azurite, process start to first health 200.")
{
    runs, queueRuns, jobs, startupRuns, overlay, pollingInterval, only, images, output, startupBaseline, renderImages,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var imagesDirectory = parse.GetRequiredValue(images).FullName;
    if (parse.GetValue(renderImages))
    {
        foreach (var file in BenchImages.Render(imagesDirectory))
        {
            Console.WriteLine($"wrote {file}");
        }

        return 0;
    }

    var sections = parse.GetValue(only) is { Length: > 0 } chosen ? chosen.ToHashSet(StringComparer.Ordinal) : ["pipeline", "queue", "startup", "batching"];
    var settings = new BenchSettings
    {
        Runs = parse.GetValue(runs),
        QueueRuns = parse.GetValue(queueRuns),
        Jobs = parse.GetValue(jobs),
        StartupRuns = parse.GetValue(startupRuns),
        StartupBaseline = parse.GetValue(startupBaseline)?.FullName,
        Overlay = parse.GetValue(overlay),
        MaxPollingInterval = parse.GetValue(pollingInterval),
        ImagesDirectory = imagesDirectory,
        OutputDirectory = parse.GetRequiredValue(output).FullName,
        Sections = sections,
        CommandLine = $"dotnet run -c {RepositoryPaths.Configuration} --project bench/FunctionsWorker.Bench" + (args.Length > 0 ? " -- " + string.Join(' ', args) : string.Empty),
    };
    return await new BenchRunner(settings).RunAsync(cancellationToken);
});
return await root.Parse(args).InvokeAsync();
