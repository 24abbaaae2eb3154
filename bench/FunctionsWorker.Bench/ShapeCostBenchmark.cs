using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace FunctionsWorker.Bench;

/// <summary>
/// What a new input shape costs the OCR models under each ONNX Runtime setting: session load, the first run of a shape
/// the session has not seen against its steady run, and the steady run of an exact shape (sides multiples of 32, widths
/// as the strips need) against the same content padded to the old buckets. Answers where warm-up time goes, so
/// readiness can warm only what pays.
/// </summary>
internal sealed class ShapeCostBenchmark(int runs)
{
    /// <summary>Detector inputs of the bench images and other common pages at maxSide 960 (exact, multiples of 32), with their old 160-px buckets.</summary>
    internal static readonly (int Width, int Height)[] DetectorShapes =
        [(448, 640), (480, 320), (672, 704), (800, 448), (960, 544), (384, 960), (736, 960), (640, 96)];

    /// <summary>Recognition batches (strips, width at height 48) as the OCR of those images makes them.</summary>
    internal static readonly (int Count, int Width)[] RecognizerShapes =
        [(6, 320), (6, 416), (3, 352), (1, 704), (6, 544), (2, 1088), (4, 320), (5, 608)];

    private static readonly int[] OldWidthBuckets = [320, 480, 640, 960, 1280, 1920];

    public sealed record Config(string Name, GraphOptimizationLevel Level, bool MemoryPattern, bool Arena, bool SavedOptimized);

    public sealed record ModelRow(string Model, string Config, double LoadMs, double FirstMsMean, double SteadyMsMean, double FirstOverSteady, double ExactMs, double PaddedMs);

    public static IReadOnlyList<Config> Configs { get; } =
    [
        new("all, pattern on, arena on (ORT default)", GraphOptimizationLevel.ORT_ENABLE_ALL, true, true, false),
        new("all, pattern off, arena on", GraphOptimizationLevel.ORT_ENABLE_ALL, false, true, false),
        new("all, pattern off, arena off", GraphOptimizationLevel.ORT_ENABLE_ALL, false, false, false),
        new("extended, pattern off, arena on", GraphOptimizationLevel.ORT_ENABLE_EXTENDED, false, true, false),
        new("basic, pattern off, arena on", GraphOptimizationLevel.ORT_ENABLE_BASIC, false, true, false),
        new("saved optimised model, pattern off, arena on", GraphOptimizationLevel.ORT_ENABLE_ALL, false, true, true),
    ];



    public IReadOnlyList<ModelRow> Run()
    {
        var rows = new List<ModelRow>();
        var scratch = Directory.CreateTempSubdirectory("fw-shapes-");
        try
        {
            foreach (var config in Configs.Where(c => Environment.GetEnvironmentVariable("SHAPES_ONLY") is not { } only || c.Name.Contains(only, StringComparison.Ordinal)))
            {
                rows.Add(Measure("ocr-det", Path.Combine(RepositoryPaths.Models, "ch_PP-OCRv4_det_infer.onnx"), config, scratch.FullName,
                    DetectorShapes.Select(s => new[] { 1, 3, s.Height, s.Width }).ToArray(),
                    DetectorShapes.Select(s => new[] { 1, 3, Bucket(s.Height, 160), Bucket(s.Width, 160) }).ToArray()));
                rows.Add(Measure("ocr-rec", Path.Combine(RepositoryPaths.Models, "ch_PP-OCRv4_rec_infer.onnx"), config, scratch.FullName,
                    RecognizerShapes.Select(s => new[] { s.Count, 3, 48, s.Width }).ToArray(),
                    RecognizerShapes.Select(s => new[] { s.Count <= 1 ? 1 : s.Count <= 2 ? 2 : s.Count <= 4 ? 4 : 6, 3, 48, OldWidthBuckets.First(b => b >= s.Width) }).ToArray()));
                Console.WriteLine($"  {config.Name}: det {rows[^2].FirstOverSteady:F2}x first/steady, rec {rows[^1].FirstOverSteady:F2}x");
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }

        return rows;
    }

    private ModelRow Measure(string model, string path, Config config, string scratch, int[][] exact, int[][] padded)
    {
        var modelPath = path;
        if (config.SavedOptimized)
        {
            // Optimise once (as a cache would on first load), then time loading the saved graph with optimisation off.
            modelPath = Path.Combine(scratch, model + ".optimized.onnx");
            using var save = Options(config with { SavedOptimized = false });
            save.OptimizedModelFilePath = modelPath;
            using var _ = new InferenceSession(path, save);
        }

        var clock = Stopwatch.StartNew();
        using var options = Options(config);
        using var session = new InferenceSession(modelPath, options);
        var loadMs = clock.Elapsed.TotalMilliseconds;
        var input = session.InputMetadata.Keys.First();

        var firsts = new List<double>();
        var steadies = new List<double>();
        foreach (var shape in exact)
        {
            firsts.Add(Time(session, input, shape));
            steadies.Add(Statistics.Median(Enumerable.Range(0, runs).Select(_ => Time(session, input, shape))));
        }

        // Padded shapes after every exact one has been seen: each is new to the session, so warm it once first.
        var paddedSteady = new List<double>();
        foreach (var shape in padded)
        {
            Time(session, input, shape);
            paddedSteady.Add(Statistics.Median(Enumerable.Range(0, runs).Select(_ => Time(session, input, shape))));
        }

        return new ModelRow(model, config.Name, loadMs, firsts.Average(), steadies.Average(),
            firsts.Zip(steadies, (f, s) => f / s).Average(), steadies.Sum(), paddedSteady.Sum());
    }

    private static SessionOptions Options(Config config)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = config.SavedOptimized ? GraphOptimizationLevel.ORT_DISABLE_ALL : config.Level,
            EnableMemoryPattern = config.MemoryPattern,
            EnableCpuMemArena = config.Arena,
        };
        return options;
    }

    internal static double Time(InferenceSession session, string input, int[] shape)
    {
        var data = new float[shape.Aggregate(1, (a, b) => a * b)];
        Array.Fill(data, 0.5f);
        using var value = OrtValue.CreateTensorValueFromMemory(data, Array.ConvertAll(shape, d => (long)d));
        // Disposed after the run: an unreferenced RunOptions can be finalised while the native run still uses it.
        using var runOptions = new RunOptions();
        var clock = Stopwatch.StartNew();
        using var results = session.Run(runOptions, [input], [value], session.OutputMetadata.Keys.ToArray());
        return clock.Elapsed.TotalMilliseconds;
    }

    public string Markdown(IReadOnlyList<ModelRow> rows, MachineInfo machine, string commandLine)
    {
        var lines = new List<string>
        {
            "# What a new input shape costs the OCR models",
            string.Empty,
            $"Machine: {machine.Cores} cores, {machine.Cpu}, {machine.Os}, {machine.Runtime}, ONNX Runtime {machine.OnnxRuntime}, {machine.Date:yyyy-MM-dd}, load {machine.LoadAverage}. Command: `{commandLine}`.",
            string.Empty,
            $"Per model and setting: session load; for {DetectorShapes.Length} detector and {RecognizerShapes.Length} recogniser shapes met one after another, the first run of each shape and its steady run (median of {runs} more), their ratio averaged over the shapes; the steady time of all exact shapes added up against the same shapes padded to the old buckets (detector sides to steps of 160, recogniser widths to 320/480/640/960/1280/1920 and counts to 1/2/4/6).",
            string.Empty,
            "| model | setting | load ms | first run ms (mean) | steady ms (mean) | first / steady | exact shapes, ms (sum) | padded shapes, ms (sum) | padded / exact |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|",
        };
        lines.AddRange(rows.Select(r =>
            $"| {r.Model} | {r.Config} | {r.LoadMs:F0} | {r.FirstMsMean:F1} | {r.SteadyMsMean:F1} | {r.FirstOverSteady:F3} | {r.ExactMs:F1} | {r.PaddedMs:F1} | {r.PaddedMs / r.ExactMs:F3} |"));
        return string.Join('\n', lines) + "\n";
    }

    private static int Bucket(int side, int step) => (side + step - 1) / step * step;
}
