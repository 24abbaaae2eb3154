namespace FunctionsWorker.Bench;

/// <summary>Paths inside the repository, found from the bench binary upward, so the bench runs from any working directory.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Models => Path.Combine(Root, "node_modules", "@gutenye", "ocr-models", "assets");

    public static string Azurite => Path.Combine(Root, "node_modules", ".bin", "azurite");

    public static string HostJson => Path.Combine(Root, "host.json");

    /// <summary>The configuration the bench was built in; the worker DLL of the same configuration is the one measured.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The JIT ReadyToRun publish (<c>-p:WorkerAot=false</c>) that scripts/bench.sh makes.</summary>
    public static string ReadyToRunWorkerDll => Path.Combine(Root, "bench", ".publish-r2r", "FunctionsWorker.dll");

    /// <summary>The native AOT publish (the default, the container's) that <c>scripts/bench.sh --aot</c> makes; measured when present.</summary>
    public static string AotWorker => Path.Combine(Root, "bench", ".publish-aot", "FunctionsWorker");

    /// <summary>The bare ASP.NET Core app, the floor the worker's start-up is compared with.</summary>
    public static string BareAppDll => Path.Combine(Root, "bench", "FunctionsWorker.BareApp", "bin", Configuration, "net10.0", "FunctionsWorker.BareApp.dll");

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
