namespace Functions.Tests.Fixtures;

/// <summary>Locates the repository root (the folder holding FunctionsWorker.sln) from the test binaries.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

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
