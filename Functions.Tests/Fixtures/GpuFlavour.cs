namespace Functions.Tests.Fixtures;

/// <summary>
/// The trait of the tests that need the worker built with the GPU package (<c>-p:OnnxRuntimeFlavor=Gpu</c>,
/// Microsoft.ML.OnnxRuntime.Gpu.Linux): scripts/test.sh builds it into artifacts/gpu and runs
/// <c>dotnet test --filter Gpu=true</c>; its main run leaves them out, since the test project's own worker is the CPU build.
/// </summary>
public static class GpuFlavour
{
    public const string Category = "Gpu";

    public const string Included = "true";

    /// <summary>Names another GPU build to test: a FunctionsWorker.dll, or a native AOT publish's FunctionsWorker binary.</summary>
    public const string Variable = "FUNCTIONS_WORKER_GPU";

    public const string CudaProviderLibraryName = "libonnxruntime_providers_cuda.so";

    /// <summary>The GPU build's worker.</summary>
    public static string Worker
    {
        get
        {
            var named = Environment.GetEnvironmentVariable(Variable);
            var worker = Path.GetFullPath(string.IsNullOrEmpty(named) ? Path.Combine("artifacts", "gpu", "FunctionsWorker.dll") : named, RepositoryPaths.Root);
            return File.Exists(worker)
                ? worker
                : throw new InvalidOperationException(
                    $"{worker}: no such file. The Gpu=true tests run the worker built with the GPU package: " +
                    "dotnet build FunctionsWorker/FunctionsWorker.csproj -c Release -p:OnnxRuntimeFlavor=Gpu -o artifacts/gpu " +
                    $"(scripts/test.sh does), or name another build in {Variable}.");
        }
    }

    /// <summary>
    /// The CUDA provider library of the GPU build, beside the binary (a native publish) or under runtimes/ (a build);
    /// its absence fails the test, so these tests never pass on a CPU build.
    /// </summary>
    public static string CudaProviderLibrary
    {
        get
        {
            var worker = Worker;
            var directory = Path.GetDirectoryName(worker)!;
            return new[] { directory, Path.Combine(directory, "runtimes", "linux-x64", "native") }
                .Select(folder => Path.Combine(folder, CudaProviderLibraryName))
                .FirstOrDefault(File.Exists)
                ?? throw new InvalidOperationException($"{worker} is not the GPU build: no {CudaProviderLibraryName} beside it or under runtimes/linux-x64/native.");
        }
    }
}
