using System.Text.RegularExpressions;
using Functions.Tests.Fixtures;

namespace Functions.Tests.Unit;

/// <summary>
/// The worker's folders depend one way (README, Architecture): each may import only the layers below it, never one
/// above it or a peer. Read from the <c>using</c> lines, so a new upward import fails here before it tangles the tree.
/// </summary>
public sealed partial class ArchitectureTests
{
    /// <summary>Bottom first. Folders on one line are peers: neither may import the other.</summary>
    private static readonly string[][] Layers =
    [
        ["Errors"],
        ["Configuration"],
        ["Health"],
        ["Telemetry"],
        ["Storage"],
        ["Imaging"],
        ["Inference"],
        ["Pipelines"],
        // Every pipeline's own folder, present and future: peers, none may import another.
        ["Pipelines.*"],
        ["Jobs"],
        ["Fleet"],
        ["Triggers.Queue"],
        ["Triggers.Http"],
        ["Dashboard"],
        ["Hosting"],
        [""],
    ];

    private static readonly string WorkerRoot = Path.Combine(RepositoryPaths.Root, "FunctionsWorker");

    public static TheoryData<string> SourceFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(WorkerRoot, "*.cs", SearchOption.AllDirectories)
                     .Select(file => Path.GetRelativePath(WorkerRoot, file))
                     .Where(file => !file.StartsWith("obj", StringComparison.Ordinal) && !file.StartsWith("bin", StringComparison.Ordinal))
                     .Order(StringComparer.Ordinal))
        {
            data.Add(file);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SourceFiles))]
    public void Folder_ImportsOnlyLayersBelowIt(string file)
    {
        var folder = Namespace(Path.GetDirectoryName(file)!);
        var own = LayerOf(folder);
        Assert.True(own >= 0, $"{file}: folder '{folder}' is not in the layer list; add it where it belongs.");
        foreach (Match import in UsingPattern().Matches(File.ReadAllText(Path.Combine(WorkerRoot, file))))
        {
            var target = import.Groups["target"].Value;
            var layer = LayerOf(target);
            Assert.True(layer >= 0, $"{file} imports FunctionsWorker.{target}, which is not in the layer list.");
            Assert.True(layer < own || target == folder || folder.StartsWith(target + ".", StringComparison.Ordinal),
                $"{file} ({folder}, layer {own}) imports FunctionsWorker.{target} (layer {layer}): only layers below may be imported.");
        }
    }

    [Fact]
    public void EveryFolder_IsInTheLayerList()
    {
        var folders = Directory.EnumerateDirectories(WorkerRoot, "*", SearchOption.AllDirectories)
            .Select(dir => Path.GetRelativePath(WorkerRoot, dir))
            .Where(dir => !dir.StartsWith("obj", StringComparison.Ordinal) && !dir.StartsWith("bin", StringComparison.Ordinal) && !dir.StartsWith("Properties", StringComparison.Ordinal))
            .Where(dir => Directory.EnumerateFiles(Path.Combine(WorkerRoot, dir), "*.cs").Any())
            .Select(Namespace);
        Assert.All(folders, folder => Assert.True(LayerOf(folder) >= 0, $"folder '{folder}' is not in the layer list"));
    }

    /// <summary>
    /// The Functions host entry (FunctionsWorker.FunctionsHost) sits above every folder, beside Hosting: it may use any
    /// layer, and names only real ones (it is a project of its own, so no folder can import it back).
    /// </summary>
    [Fact]
    public void FunctionsHostEntry_ImportsOnlyFoldersOfTheLayerList()
    {
        var root = Path.Combine(RepositoryPaths.Root, "FunctionsWorker.FunctionsHost");
        var imports = Directory.EnumerateFiles(root, "*.cs", SearchOption.TopDirectoryOnly)
            .SelectMany(file => UsingPattern().Matches(File.ReadAllText(file)).Select(m => (File: Path.GetFileName(file), Target: m.Groups["target"].Value)))
            .Where(import => import.Target != "FunctionsHost")
            .ToList();
        Assert.Contains(imports, import => import.Target == "Jobs");
        Assert.All(imports, import => Assert.True(LayerOf(import.Target) >= 0, $"{import.File} imports FunctionsWorker.{import.Target}, which is not in the layer list."));
    }

    [Fact]
    public void UpwardImport_IsCaught()
    {
        // The rule itself: Storage (layer 3) importing Jobs (layer 8) must fail, a peer import too.
        Assert.True(LayerOf("Jobs") > LayerOf("Storage"));
        Assert.Equal(LayerOf("Pipelines.Ocr"), LayerOf("Pipelines.Image"));
        Assert.Equal(LayerOf("Pipelines.Ocr"), LayerOf("Pipelines.SomeFuturePipeline"));
        Assert.Matches(UsingPattern(), "using FunctionsWorker.Jobs;");
    }

    private static string Namespace(string folder) => folder.Replace(Path.DirectorySeparatorChar, '.');

    private static int LayerOf(string folder) => Array.FindIndex(Layers, layer => layer.Any(entry =>
        entry == folder || (entry.EndsWith(".*", StringComparison.Ordinal) && folder.StartsWith(entry[..^1], StringComparison.Ordinal) && !folder[(entry.Length - 1)..].Contains('.'))));

    [GeneratedRegex(@"^using (?:static )?FunctionsWorker\.(?<target>[\w.]+?)(?:\.\w+Extensions)?;", RegexOptions.Multiline)]
    private static partial Regex UsingPattern();
}
