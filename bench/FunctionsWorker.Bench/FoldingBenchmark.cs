using System.Diagnostics;
using FunctionsWorker.Inference;
using Microsoft.ML.OnnxRuntime;
using Microsoft.Extensions.Logging.Abstractions;

namespace FunctionsWorker.Bench;

/// <summary>
/// What the graph folding (<see cref="GraphFolder"/>) saves on the OCR models, and what it changes in their outputs:
/// each model's shapes from the shapes section run unfolded and folded in turn, with the worker's session settings;
/// then the folded recogniser's cost per column by rows and width, behind <c>TextRecognizer.MaxBatchColumns</c>.
/// </summary>
internal sealed class FoldingBenchmark(int runs)
{
    private static readonly int[] ColumnWidths = [160, 320, 608, 928, 1280];

    private static readonly int[] ColumnRows = [1, 2, 3, 4, 6, 8];

    private static readonly ExecutionProviderSelector CpuSettings = new(
        Microsoft.Extensions.Options.Options.Create(new InferenceOptions { Device = InferenceDevice.Cpu }), NullLogger<ExecutionProviderSelector>.Instance);

    public sealed record ModelRow(string Model, GraphFolds Folds, int NodesBefore, int NodesAfter, double UnfoldedMs, double FoldedMs, double MaxDifference);

    public sealed record ColumnRow(int Width, double[] MicrosecondsPerColumn);

    public (IReadOnlyList<ModelRow> Models, IReadOnlyList<ColumnRow> Columns) Run()
    {
        var models = new List<ModelRow>
        {
            Measure("ocr-det", "ch_PP-OCRv4_det_infer.onnx", ShapeCostBenchmark.DetectorShapes.Select(s => new[] { 1, 3, s.Height, s.Width }).ToArray()),
            Measure("ocr-rec", "ch_PP-OCRv4_rec_infer.onnx", ShapeCostBenchmark.RecognizerShapes.Select(s => new[] { s.Count, 3, 48, s.Width }).ToArray()),
        };
        foreach (var row in models)
        {
            Console.WriteLine($"  {row.Model}: folded {row.FoldedMs / row.UnfoldedMs:F3}x unfolded, largest output difference {row.MaxDifference:E1}");
        }

        var (folded, _) = GraphFolder.Fold(File.ReadAllBytes(Path.Combine(RepositoryPaths.Models, "ch_PP-OCRv4_rec_infer.onnx")), InferenceDevice.Cpu);
        using var session = Session(folded!);
        var columns = new List<ColumnRow>();
        foreach (var width in ColumnWidths)
        {
            columns.Add(new ColumnRow(width, ColumnRows.Select(rows =>
            {
                var shape = new[] { rows, 3, 48, width };
                Time(session, shape);
                return Statistics.Median(Enumerable.Range(0, runs).Select(_ => Time(session, shape))) * 1000 / (rows * width);
            }).ToArray()));
            Console.WriteLine($"  rec columns at {width} px: {string.Join(", ", columns[^1].MicrosecondsPerColumn.Select(v => v.ToString("F1")))} us");
        }

        return (models, columns);
    }

    public string Markdown(IReadOnlyList<ModelRow> models, IReadOnlyList<ColumnRow> columns, MachineInfo machine, string commandLine)
    {
        var lines = new List<string>
        {
            "# Graph folding on the OCR models",
            string.Empty,
            $"Machine: {machine.Cores} cores, {machine.Cpu}, {machine.Os}, {machine.Runtime}, ONNX Runtime {machine.OnnxRuntime}, {machine.Date:yyyy-MM-dd}, load {machine.LoadAverage}. Command: `{commandLine}`.",
            string.Empty,
            $"`Inference/GraphFolder` (`Models:<name>:FoldGraph`, on by default) against the file as it is, both with the worker's session settings (ORT_ENABLE_ALL, default threads, no spinning). Per model: the shapes section's {ShapeCostBenchmark.DetectorShapes.Length} detector and {ShapeCostBenchmark.RecognizerShapes.Length} recogniser shapes, each warmed once per session, then {runs} runs alternating unfolded and folded; the sum of each side's per-shape medians. Largest difference: the largest absolute difference of any output value over those shapes, on inputs uniform in [-1, 1].",
            string.Empty,
            "| model | folded: scale-and-shift into conv / hard-swish / into 1x1 conv / as depthwise conv | operators before → after | unfolded ms (sum) | folded ms (sum) | folded / unfolded | largest output difference |",
            "|---|---|---|---:|---:|---:|---:|",
        };
        lines.AddRange(models.Select(r =>
            $"| {r.Model} | {r.Folds.ConvAffine} / {r.Folds.HardSwish} / {r.Folds.PointwiseAffine} / {r.Folds.DepthwiseAffine} | {r.NodesBefore} → {r.NodesAfter} | {r.UnfoldedMs:F1} | {r.FoldedMs:F1} | {r.FoldedMs / r.UnfoldedMs:F3} | {r.MaxDifference:E1} |"));
        lines.Add(string.Empty);
        lines.Add($"## The folded recogniser's cost per column (µs), by rows in the run and width (median of {runs} runs)");
        lines.Add(string.Empty);
        lines.Add("What `TextRecognizer.MaxBatchColumns` (2560) is chosen from: a run is cheapest per column between about 1300 and 2800 columns (rows × width).");
        lines.Add(string.Empty);
        lines.Add("| width | " + string.Join(" | ", ColumnRows.Select(r => $"{r} row{(r == 1 ? "" : "s")}")) + " |");
        lines.Add("|---:|" + string.Concat(ColumnRows.Select(_ => "---:|")));
        lines.AddRange(columns.Select(c => $"| {c.Width} | " + string.Join(" | ", c.MicrosecondsPerColumn.Select(v => v.ToString("F1"))) + " |"));
        return string.Join('\n', lines) + "\n";
    }

    private ModelRow Measure(string model, string file, int[][] shapes)
    {
        var bytes = File.ReadAllBytes(Path.Combine(RepositoryPaths.Models, file));
        var (folded, folds) = GraphFolder.Fold(bytes, InferenceDevice.Cpu);
        using var unfoldedSession = Session(bytes);
        using var foldedSession = Session(folded ?? bytes);
        double unfoldedMs = 0, foldedMs = 0, difference = 0;
        var random = new Random(5);
        foreach (var shape in shapes)
        {
            var data = new float[shape.Aggregate(1, (a, b) => a * b)];
            for (var i = 0; i < data.Length; i++)
            {
                data[i] = (float)((random.NextDouble() * 2) - 1);
            }

            var expected = Outputs(unfoldedSession, shape, data);
            var actual = Outputs(foldedSession, shape, data);
            difference = Math.Max(difference, expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max());
            var unfolded = new List<double>();
            var foldedTimes = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                unfolded.Add(Time(unfoldedSession, shape));
                foldedTimes.Add(Time(foldedSession, shape));
            }

            unfoldedMs += Statistics.Median(unfolded);
            foldedMs += Statistics.Median(foldedTimes);
        }

        return new ModelRow(model, folds, Operators(bytes), Operators(folded ?? bytes), unfoldedMs, foldedMs, difference);
    }

    private static int Operators(byte[] model) => Onnx.ModelProto.Parser.ParseFrom(model).Graph.Node.Count(node => node.OpType != "Constant");

    /// <summary>A session with the worker's own CPU settings, from its <see cref="ExecutionProviderSelector"/>.</summary>
    private static InferenceSession Session(byte[] model)
    {
        using var options = CpuSettings.CreateSessionOptions(new ModelOptions(), InferenceDevice.Cpu);
        return new InferenceSession(model, options);
    }

    private static float[] Outputs(InferenceSession session, int[] shape, float[] data)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(data, Array.ConvertAll(shape, d => (long)d));
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [session.InputMetadata.Keys.First()], [value], session.OutputMetadata.Keys.ToArray());
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static double Time(InferenceSession session, int[] shape) => ShapeCostBenchmark.Time(session, session.InputMetadata.Keys.First(), shape);
}
