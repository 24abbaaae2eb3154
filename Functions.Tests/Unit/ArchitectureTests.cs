using System.Text.RegularExpressions;
using Functions.Tests.Fixtures;

namespace Functions.Tests.Unit;

/// <summary>
/// The worker's folders depend one way (docs/architecture.md): each may use only the layers below it, never one above
/// it or a peer. Every reference counts, whatever route it takes: a using, an alias or a global using, a
/// <c>FunctionsWorker.X</c> name written inline, or a bare type name declared in another folder. The table here is the
/// one source: the picture in docs/architecture.md is checked against it.
/// </summary>
public sealed partial class ArchitectureTests
{
    /// <summary>Bottom first. Folders on one line are peers: neither may use the other.</summary>
    private static readonly string[][] Layers =
    [
        // The project FunctionsWorker.Schema, which the CLI shares: below every folder, it uses none.
        ["Schema"],
        ["Errors"],
        ["Configuration"],
        // Background loops' plumbing and the worker's live state: peers that every folder above reports to.
        ["Background", "State"],
        ["Health"],
        ["Telemetry"],
        ["Storage"],
        ["Imaging"],
        ["Inference"],
        ["Pipelines"],
        // Every pipeline's own folder, present and future: peers, none may use another.
        ["Pipelines.*"],
        ["Jobs"],
        ["Fleet"],
        ["Triggers.Queue"],
        ["Triggers.Http"],
        ["Dashboard"],
        ["Hosting"],
        // Program.cs, the worker's root folder.
        [""],
    ];

    private static readonly string WorkerRoot = Path.Combine(RepositoryPaths.Root, "FunctionsWorker");

    private static readonly Lazy<string[]> WorkerFiles = new(() => [.. Directory.EnumerateFiles(WorkerRoot, "*.cs", SearchOption.AllDirectories)
        .Select(file => Path.GetRelativePath(WorkerRoot, file))
        .Where(file => !file.StartsWith("obj", StringComparison.Ordinal) && !file.StartsWith("bin", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)]);

    /// <summary>Every type name declared in the worker, with the folders that declare it (Log, for one, is in most).</summary>
    private static readonly Lazy<Dictionary<string, HashSet<string>>> WorkerTypes = new(() => TypeFolders(
        WorkerFiles.Value.Select(file => (FolderOf(file), File.ReadAllText(Path.Combine(WorkerRoot, file))))));

    public static TheoryData<string> SourceFiles() => [.. WorkerFiles.Value];

    [Theory]
    [MemberData(nameof(SourceFiles))]
    public void Folder_UsesOnlyLayersBelowIt(string file)
    {
        var folder = FolderOf(file);
        Assert.True(LayerOf(folder) >= 0, $"{file}: folder '{folder}' is not in the layer list; add it where it belongs.");

        var violations = Violations(folder, File.ReadAllText(Path.Combine(WorkerRoot, file)), WorkerTypes.Value, KnownFolders());

        Assert.True(violations.Count == 0, $"{file} ({folder}, layer {LayerOf(folder)}) uses what it may not:\n{string.Join("\n", violations)}");
    }

    [Fact]
    public void WorkerTypeMap_HoldsTheWorkersTypes_ByFolder()
    {
        Assert.Equal(["Jobs"], WorkerTypes.Value["JobProcessor"]);
        Assert.Equal(["Triggers.Queue"], WorkerTypes.Value["QueueListener"]);
        Assert.Equal(["Errors"], WorkerTypes.Value["FailureClass"]);
        Assert.True(WorkerTypes.Value["Log"].Count > 5, "Log is declared in most folders");
    }

    [Fact]
    public void EveryFolder_IsInTheLayerList()
    {
        Assert.All(KnownFolders(), folder => Assert.True(LayerOf(folder) >= 0, $"folder '{folder}' is not in the layer list"));
    }

    /// <summary>One file in Storage (layer 4) reaching Jobs (layer 9) by each route; each must be caught.</summary>
    public static TheoryData<string, string, string> UpwardRoutes() => new()
    {
        { "using", "using FunctionsWorker.Jobs;\nnamespace FunctionsWorker.Storage;\ninternal sealed class Probe { }", "FunctionsWorker.Jobs" },
        { "using static", "using static FunctionsWorker.Jobs.JobProcessor;\nnamespace FunctionsWorker.Storage;\ninternal sealed class Probe { }", "FunctionsWorker.Jobs" },
        { "alias", "using Runner = FunctionsWorker.Jobs.JobProcessor;\nnamespace FunctionsWorker.Storage;\ninternal sealed class Probe { }", "FunctionsWorker.Jobs" },
        { "global using", "global using FunctionsWorker.Jobs;", "FunctionsWorker.Jobs" },
        { "global using alias", "global using Runner = global::FunctionsWorker.Jobs.JobProcessor;", "FunctionsWorker.Jobs" },
        { "inline qualified name", "namespace FunctionsWorker.Storage;\ninternal sealed class Probe\n{\n    private FunctionsWorker.Jobs.JobProcessor? _runner;\n}", "FunctionsWorker.Jobs" },
        { "inline name split over lines", "namespace FunctionsWorker.Storage;\ninternal sealed class Probe\n{\n    private FunctionsWorker\n        .Jobs . JobProcessor? _runner;\n}", "FunctionsWorker.Jobs" },
        { "inline name in an interpolation hole", "namespace FunctionsWorker.Storage;\ninternal static class Probe\n{\n    public static string Text => $\"{typeof(FunctionsWorker.Jobs.JobProcessor)}\";\n}", "FunctionsWorker.Jobs" },
        { "unqualified type from an upper folder", "namespace FunctionsWorker.Storage;\ninternal sealed class Probe(JobProcessor runner) { }", "JobProcessor (Jobs)" },
        { "unqualified type from a peer", "namespace FunctionsWorker.Pipelines.Ocr;\ninternal sealed class Probe(ThumbnailPipeline thumbnails) { }", "ThumbnailPipeline (Pipelines.Thumbnail)" },
    };

    [Theory]
    [MemberData(nameof(UpwardRoutes))]
    public void UpwardReference_IsCaught_WhateverItsRoute(string route, string source, string expected)
    {
        var folder = source.Contains("Pipelines.Ocr", StringComparison.Ordinal) ? "Pipelines.Ocr" : "Storage";

        var violations = Violations(folder, source, FixtureTypes(), FixtureFolders);

        Assert.True(violations.Any(v => v.Contains(expected, StringComparison.Ordinal)), $"{route}: not caught; found [{string.Join("; ", violations)}]");
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
            .SelectMany(file => CSharpTokens.QualifiedNames(CSharpTokens.Code(File.ReadAllText(file)))
                .Select(name => (File: Path.GetFileName(file), Target: Enumerable.Range(1, name.Length).Reverse().Select(n => string.Join('.', name[..n])).FirstOrDefault(KnownFolders().Contains) ?? string.Join('.', name))))
            .Where(import => import.Target != "FunctionsHost")
            .ToList();
        Assert.Contains(imports, import => import.Target == "Jobs");
        Assert.All(imports, import => Assert.True(LayerOf(import.Target) >= 0, $"{import.File} imports FunctionsWorker.{import.Target}, which is not in the layer list."));
    }

    [Fact]
    public void ReferencesInCommentsAndStrings_AreNotReferences()
    {
        const string source = """"
            namespace FunctionsWorker.Storage;

            // Unlike JobProcessor, this reads FunctionsWorker.Jobs nowhere.
            /* using FunctionsWorker.Jobs; */
            internal static class Probe
            {
                public static string Text => "JobProcessor in FunctionsWorker.Jobs" + @"say ""JobProcessor""" + $"{1} JobProcessor {{JobProcessor}}";

                public static string Raw => $$"""JobProcessor {FunctionsWorker.Jobs} {{2}}""";

                public static char Quote => '"';

                public static string After => "still code after the char: " + nameof(Probe);
            }
            """";

        Assert.Empty(Violations("Storage", source, FixtureTypes(), FixtureFolders));
    }

    [Fact]
    public void ReferencesBelowAndInTheOwnFolder_AreAllowed()
    {
        const string source = """
            using FunctionsWorker.Errors;
            using Records = FunctionsWorker.Storage.JobBlobs;

            namespace FunctionsWorker.Jobs;

            internal sealed class Probe(JobBlobs blobs, ThumbnailPipeline thumbnails, FunctionsWorker.Pipelines.IPipeline pipeline, JobProcessor self);
            """;

        Assert.Empty(Violations("Jobs", source, FixtureTypes(), FixtureFolders));
    }

    /// <summary>The layer picture in docs/architecture.md is the table above, top first, one line per layer.</summary>
    [Fact]
    public void ArchitecturePage_DrawsTheLayersOfThisTable()
    {
        var page = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "architecture.md"));
        var picture = PicturePattern().Match(page);
        Assert.True(picture.Success, "docs/architecture.md has no ``` picture block of the layers");

        var drawn = picture.Groups["body"].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => Regex.Split(line.Trim(), @"\s{2,}"))
            .Select(cells => string.Join(" | ", cells[..^1].Select(cell => cell.Replace('/', '.').Replace("<Name>", "*", StringComparison.Ordinal)).Order(StringComparer.Ordinal)))
            .ToList();
        var table = Enumerable.Reverse(Layers).Where(layer => layer is not [""]).Select(layer => string.Join(" | ", layer.Order(StringComparer.Ordinal))).ToList();

        Assert.True(drawn.SequenceEqual(table), "docs/architecture.md draws the layers (top first) as\n  " + string.Join("\n  ", drawn) +
            "\nbut ArchitectureTests.Layers has\n  " + string.Join("\n  ", table));
    }

    /// <summary>What <paramref name="source"/>, a file of <paramref name="folder"/>, uses from folders it may not use.</summary>
    private static List<string> Violations(string folder, string source, Dictionary<string, HashSet<string>> types, IReadOnlyCollection<string> folders)
    {
        var code = CSharpTokens.Code(source);
        var found = new List<string>();
        foreach (var name in CSharpTokens.QualifiedNames(code))
        {
            // The longest prefix that is a folder; a name with none is in the root folder.
            var target = Enumerable.Range(1, name.Length).Reverse().Select(n => string.Join('.', name[..n])).FirstOrDefault(folders.Contains) ?? string.Empty;
            if (!MayUse(folder, target))
            {
                found.Add($"FunctionsWorker.{string.Join('.', name)} (layer {LayerOf(target)})");
            }
        }

        foreach (var identifier in CSharpTokens.Identifiers(code).Distinct(StringComparer.Ordinal))
        {
            // A name declared in several folders may mean the one this folder may use: only a name every declaration of
            // which is out of reach is surely a reference to it.
            if (types.TryGetValue(identifier, out var declaredIn) && !declaredIn.Any(target => MayUse(folder, target)))
            {
                found.Add($"{identifier} ({string.Join(", ", declaredIn.Order(StringComparer.Ordinal))})");
            }
        }

        return found;
    }

    private static bool MayUse(string folder, string target)
    {
        var own = LayerOf(folder);
        var layer = LayerOf(target);
        return target == folder || folder.StartsWith(target + ".", StringComparison.Ordinal) || (layer >= 0 && layer < own);
    }

    private static Dictionary<string, HashSet<string>> TypeFolders(IEnumerable<(string Folder, string Source)> files)
    {
        var types = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (folder, source) in files)
        {
            foreach (var type in CSharpTokens.DeclaredTypes(CSharpTokens.Code(source)))
            {
                if (!types.TryGetValue(type, out var folders))
                {
                    types[type] = folders = new HashSet<string>(StringComparer.Ordinal);
                }

                folders.Add(folder);
            }
        }

        return types;
    }

    private static readonly string[] FixtureFolders = ["Errors", "Storage", "Pipelines", "Pipelines.Ocr", "Pipelines.Thumbnail", "Jobs"];

    /// <summary>The type map the fixtures are read against: a few declarations as the worker's folders have them.</summary>
    private static Dictionary<string, HashSet<string>> FixtureTypes() => TypeFolders(
    [
        ("Errors", "namespace FunctionsWorker.Errors; public class WorkerException : Exception { }"),
        ("Storage", "namespace FunctionsWorker.Storage; internal sealed class JobBlobs { } internal static partial class Log { }"),
        ("Pipelines", "namespace FunctionsWorker.Pipelines; internal interface IPipeline { }"),
        ("Pipelines.Ocr", "namespace FunctionsWorker.Pipelines.Ocr; internal sealed class OcrPipeline : IPipeline { }"),
        ("Pipelines.Thumbnail", "namespace FunctionsWorker.Pipelines.Thumbnail; internal sealed class ThumbnailPipeline : IPipeline { }"),
        ("Jobs", "namespace FunctionsWorker.Jobs; internal sealed partial class JobProcessor { } internal static partial class Log { }"),
    ]);

    private static string[] KnownFolders() => [.. WorkerFiles.Value.Select(FolderOf).Distinct(StringComparer.Ordinal), .. SharedProjects];

    /// <summary>Projects beside the worker whose namespaces are layers of their own (FunctionsWorker.Schema).</summary>
    private static readonly string[] SharedProjects = ["Schema"];

    private static string FolderOf(string file) => (Path.GetDirectoryName(file) ?? string.Empty).Replace(Path.DirectorySeparatorChar, '.');

    private static int LayerOf(string folder) => Array.FindIndex(Layers, layer => layer.Any(entry =>
        entry == folder || (entry.EndsWith(".*", StringComparison.Ordinal) && folder.StartsWith(entry[..^1], StringComparison.Ordinal) && !folder[(entry.Length - 1)..].Contains('.'))));

    [GeneratedRegex(@"^```\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex PicturePattern();
}
