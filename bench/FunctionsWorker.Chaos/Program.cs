using System.CommandLine;
using FunctionsWorker.Chaos;

var duration = new Option<TimeSpan?>("--duration") { Description = "Load and faults phase (chaos default 00:10:00, short 00:00:30)." };
var workers = new Option<int?>("--workers") { Description = "Worker processes (default 3)." };
var rate = new Option<double?>("--rate") { Description = "Valid jobs sent per second (default 3)." };
var shortRun = new Option<bool>("--short") { Description = "The CI variant: 30 s of load with faults every few seconds, a 45 s drain." };
var report = new Option<FileInfo?>("--report") { Description = "Where the markdown report goes (default: printed only)." };
var seed = new Option<int?>("--seed") { Description = "Seed of the load and fault choices." };
var chaos = new Command("chaos", "Several workers, a mixed load with bad messages and twins, process and storage faults; checks at the end.")
{
    duration, workers, rate, shortRun, report, seed,
};
chaos.SetAction(async (parse, cancellationToken) =>
{
    var settings = parse.GetValue(shortRun) ? ChaosSettings.Short : new ChaosSettings();
    settings = settings with
    {
        Duration = parse.GetValue(duration) ?? settings.Duration,
        Workers = parse.GetValue(workers) ?? settings.Workers,
        JobsPerSecond = parse.GetValue(rate) ?? settings.JobsPerSecond,
        Seed = parse.GetValue(seed) ?? settings.Seed,
        ReportPath = parse.GetValue(report)?.FullName,
        CommandLine = "FunctionsWorker.Chaos " + string.Join(' ', args),
        Invocation = Environment.GetEnvironmentVariable("CHAOS_COMMAND") is { Length: > 0 } command ? command : null,
    };
    try
    {
        return await new ChaosRunner(settings).RunAsync(cancellationToken);
    }
    catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
    {
        // System.CommandLine turns an unhandled cancellation into exit code 1 without a word.
        Console.Error.WriteLine($"chaos run: an operation was cancelled without a stop signal: {ex}");
        return 1;
    }
});

var jobs = new Option<int>("--jobs") { Description = "Jobs through the one worker.", DefaultValueFactory = _ => 10_000 };
var soakOutput = new Option<DirectoryInfo?>("--output") { Description = "Where README.md, samples.csv and the SVG plots go (default: printed only)." };
var soak = new Command("soak", "Many small thumbnail jobs through one worker, sampling its memory, threads and handles.") { jobs, soakOutput };
soak.SetAction(async (parse, cancellationToken) =>
    await new SoakRunner(parse.GetValue(jobs), parse.GetValue(soakOutput)?.FullName, "FunctionsWorker.Chaos " + string.Join(' ', args))
        .RunAsync(cancellationToken));

var phase = new Option<TimeSpan>("--phase") { Description = "Length of each measured phase.", DefaultValueFactory = _ => TimeSpan.FromSeconds(30) };
var saturationOutput = new Option<FileInfo?>("--report") { Description = "Where the markdown report goes (default: printed only)." };
var saturation = new Command("saturation", "Health and ready latency while every core runs jobs, and job throughput with and without a burst of status requests.")
{
    phase, saturationOutput,
};
saturation.SetAction(async (parse, cancellationToken) =>
    await new SaturationRunner(parse.GetValue(phase), parse.GetValue(saturationOutput)?.FullName, "FunctionsWorker.Chaos " + string.Join(' ', args))
        .RunAsync(cancellationToken));

var root = new RootCommand("FunctionsWorker chaos, soak and saturation harness: real worker processes against Azurite.") { chaos, soak, saturation };
return await root.Parse(args).InvokeAsync();
