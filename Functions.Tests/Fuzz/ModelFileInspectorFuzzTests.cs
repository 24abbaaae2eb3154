using System.Diagnostics;
using System.Text;
using CsCheck;
using Functions.Tests.Fixtures;
using FunctionsWorker.Inference;

namespace Functions.Tests.Fuzz;

/// <summary>
/// Mutated ONNX files and LFS-pointer-like text: the inspector answers with a problem in words or null, and never throws.
/// </summary>
public sealed class ModelFileInspectorFuzzTests
{
    private static readonly byte[][] Seeds =
    [
        OnnxModelWriter.Identity(OnnxModelWriter.ImageShape),
        OnnxModelWriter.InvertColours(OnnxModelWriter.ImageShape),
        OnnxModelWriter.AlphaMask(OnnxModelWriter.ImageShape),
        Encoding.ASCII.GetBytes($"{ModelFileInspector.GitLfsPointerPrefix}\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n"),
    ];

    [Fact]
    public void MutatedModelsAndPointers_AreDescribedNeverThrown()
    {
        var inputs = Gen.Select(Gen.Int[0, Seeds.Length - 1], Gen.Int, Gen.Int[1, 8], (seed, random, count) => Mutator.Mutate(Seeds[seed], random, count));
        var executions = 0L;
        var problems = 0L;
        var pointers = 0L;
        var watch = Stopwatch.StartNew();

        inputs.Sample(bytes =>
        {
            Interlocked.Increment(ref executions);
            if (ModelFileInspector.IsGitLfsPointer(bytes, bytes.Length))
            {
                Interlocked.Increment(ref pointers);
                Assert.StartsWith("the file is a Git LFS pointer", ModelFileInspector.DescribeGitLfsPointer(bytes), StringComparison.Ordinal);
            }

            using var stream = new MemoryStream(bytes, writable: false);
            if (ModelFileInspector.FindProtobufProblem(stream) is not null)
            {
                Interlocked.Increment(ref problems);
            }
        }, iter: FuzzRun.Iterations(), threads: FuzzRun.Threads, seed: FuzzRun.Seed, print: bytes => Convert.ToBase64String(bytes));

        FuzzRun.Record("model-inspector/mutated", executions, watch.Elapsed, $"problem found {problems}, lfs pointers {pointers}, looked whole {executions - problems}");
    }

    [Fact]
    public async Task MutatedModelFiles_OnDisk_AreDescribedNeverThrown()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "model.onnx");
        var inputs = Gen.Select(Gen.Int[0, Seeds.Length - 1], Gen.Int, Gen.Int[1, 8], (seed, random, count) => Mutator.Mutate(Seeds[seed], random, count));

        // One file rewritten per input: a single thread, fewer runs (each is real file I/O).
        await inputs.SampleAsync(async bytes =>
        {
            await File.WriteAllBytesAsync(path, bytes);
            _ = await ModelFileInspector.FindProblemAsync(path, CancellationToken.None);
        }, iter: Math.Max(1, FuzzRun.Iterations() / 10), threads: 1, seed: FuzzRun.Seed, print: bytes => Convert.ToBase64String(bytes));
    }
}
