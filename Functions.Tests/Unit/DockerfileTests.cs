using Functions.Tests.Fixtures;

namespace Functions.Tests.Unit;

/// <summary>The image's important lines, checked offline (no Docker engine here): probe, user, variants, build context.</summary>
public sealed class DockerfileTests
{
    [Fact]
    public void Healthcheck_IsExecForm_CallingTheWorkerProbe_AsTheEntrypointDoes()
    {
        var command = DockerfileReader.HealthcheckCommand();
        var entrypoint = System.Text.Json.JsonSerializer.Deserialize<string[]>(
            DockerfileReader.Instructions().Single(i => i.Keyword == "ENTRYPOINT").Arguments)!;

        // No shell: dash (the /bin/sh of both base images) has no /dev/tcp, which kept the old check always failing.
        Assert.DoesNotContain(command, part => part.Contains("/bin/sh", StringComparison.Ordinal) || part.Contains("/dev/tcp", StringComparison.Ordinal));
        Assert.Equal([.. entrypoint, "--probe"], command);
    }

    [Fact]
    public void FinalStage_RunsAsNonRoot_OwningTheModelCache()
    {
        var instructions = DockerfileReader.Instructions();
        var finalStage = instructions.Skip(instructions.ToList().FindLastIndex(i => i.Keyword == "FROM")).ToList();
        var user = finalStage.Last(i => i.Keyword == "USER").Arguments;
        var uid = ResolveArg(finalStage, user.Split(':')[0]);

        Assert.True(int.TryParse(uid, out var numeric) && numeric > 0, $"USER must be a numeric non-root uid, got '{user}' ({uid})");
        var cache = finalStage.Single(i => i.Keyword == "ENV" && i.Arguments.Contains("Inference__ModelCacheDirectory=", StringComparison.Ordinal)).Arguments;
        Assert.Contains("Inference__ModelCacheDirectory=/var/cache/functions-worker/models", cache, StringComparison.Ordinal);
        Assert.Contains(finalStage, i => i.Keyword == "RUN"
            && i.Arguments.Contains("mkdir -p /var/cache/functions-worker/models", StringComparison.Ordinal)
            && i.Arguments.Contains("chown -R worker:worker /var/cache/functions-worker", StringComparison.Ordinal));
        Assert.True(finalStage.FindIndex(i => i.Keyword == "USER") > finalStage.FindLastIndex(i => i.Keyword == "RUN"),
            "USER must come after the last RUN that needs root");
    }

    [Fact]
    public void GpuAndCpuVariants_SelectedByFlavor()
    {
        var instructions = DockerfileReader.Instructions();
        Assert.Equal("FLAVOR=Gpu", instructions.First(i => i.Keyword == "ARG").Arguments);
        Assert.Contains(instructions, i => i.Keyword == "FROM" && i.Arguments.EndsWith(" AS runtime-Gpu", StringComparison.Ordinal));
        Assert.Contains(instructions, i => i.Keyword == "FROM" && i.Arguments.EndsWith(" AS runtime-Cpu", StringComparison.Ordinal));
        Assert.Equal("runtime-${FLAVOR}", instructions.Last(i => i.Keyword == "FROM").Arguments);
    }

    [Fact]
    [Trait(GpuFlavour.Category, GpuFlavour.Included)]
    public void GpuImage_IsBasedOnTheCudaMajorVersionTheGpuPackagesProviderLinks_WithCudnn()
    {
        // ONNX Runtime 1.32's Gpu.Linux package links CUDA 13 (libcudart.so.13, libcublas.so.13): a CUDA 12 base image
        // would leave every GPU worker on CPU. Read from the provider library itself, so a package bump that moves
        // CUDA fails here rather than in production.
        var needed = ElfFile.Needed(GpuFlavour.CudaProviderLibrary);
        var cudart = Assert.Single(needed, name => name.StartsWith("libcudart.so.", StringComparison.Ordinal));
        Assert.Contains(needed, name => name.StartsWith("libcublas.so.", StringComparison.Ordinal));
        var major = cudart["libcudart.so.".Length..];

        var image = DockerfileReader.Instructions().Single(i => i.Keyword == "FROM" && i.Arguments.EndsWith(" AS runtime-Gpu", StringComparison.Ordinal)).Arguments;
        Assert.Matches($@"^nvidia/cuda:{major}\.\d+\.\d+-cudnn-runtime-ubuntu\d+\.\d+ AS runtime-Gpu$", image);
    }

    [Fact]
    public void DockerIgnore_KeepsBuildOutputsDependenciesSecretsAndTestsOutOfTheContext()
    {
        var patterns = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, ".dockerignore"))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToHashSet(StringComparer.Ordinal);

        foreach (var expected in new[] { "**/bin", "**/obj", "**/node_modules", "**/local.settings.json", ".git", "bench", "Functions.Tests" })
        {
            Assert.Contains(expected, patterns);
        }

        // What the Dockerfile copies must stay in the context.
        foreach (var needed in new[] { "FunctionsWorker", "host.json", "package.json", "package-lock.json", "Directory.Packages.props" })
        {
            Assert.DoesNotContain(needed, patterns);
        }
    }

    private static string ResolveArg(List<(string Keyword, string Arguments)> stage, string value)
    {
        if (!value.StartsWith("${", StringComparison.Ordinal))
        {
            return value;
        }

        var name = value[2..^1];
        var arg = stage.Last(i => i.Keyword == "ARG" && i.Arguments.StartsWith(name + "=", StringComparison.Ordinal)).Arguments;
        return arg[(name.Length + 1)..];
    }
}
