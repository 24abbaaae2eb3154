namespace Functions.Tests.Fixtures;

/// <summary>Locates the repository root (the folder holding FunctionsWorker.sln) from the test binaries.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>A project's build output for the configuration the tests were built in (Release or Debug).</summary>
    public static string BuildOutput(string project) => Path.Combine(Root, project, "bin",
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug",
        "net10.0");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FunctionsWorker.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("FunctionsWorker.sln not found above " + AppContext.BaseDirectory);
    }
}
