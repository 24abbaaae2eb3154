using System.Text;
using Functions.Tests.Fixtures;
using FunctionsWorker.Inference;

namespace Functions.Tests.Unit;

public sealed class ModelFileInspectorTests : IDisposable
{
    private const string Pointer =
        "version https://git-lfs.github.com/spec/v1\n" +
        "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n" +
        "size 4718592\n";

    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void GitLfsPointer_IsRecognised_WithTheObjectSize()
    {
        var bytes = Encoding.ASCII.GetBytes(Pointer);

        Assert.True(ModelFileInspector.IsGitLfsPointer(bytes, bytes.Length));
        var description = ModelFileInspector.DescribeGitLfsPointer(bytes);
        Assert.Contains("Git LFS pointer", description);
        Assert.Contains($"({bytes.Length} bytes)", description);
        Assert.Contains("4718592-byte object", description);
    }

    [Fact]
    public void LargeFileStartingLikeAPointer_IsNotAPointer()
    {
        var bytes = Encoding.ASCII.GetBytes(Pointer + new string('x', 2000));

        Assert.False(ModelFileInspector.IsGitLfsPointer(bytes, bytes.Length));
    }

    [Fact]
    public void OnnxModel_IsNotAPointer_AndHasNoProblem()
    {
        var model = OnnxModelWriter.InvertColours();

        Assert.False(ModelFileInspector.IsGitLfsPointer(model, model.Length));
        Assert.Null(ModelFileInspector.FindProtobufProblem(new MemoryStream(model)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(2)]
    public void TruncatedModel_IsCalledTruncated(int missingBytes)
    {
        var model = OnnxModelWriter.AlphaMask();

        var problem = ModelFileInspector.FindProtobufProblem(new MemoryStream(model[..^missingBytes]));

        Assert.NotNull(problem);
        Assert.Contains("truncated", problem);
    }

    [Fact]
    public void TextFile_IsNotAnOnnxModel()
    {
        var problem = ModelFileInspector.FindProtobufProblem(new MemoryStream("<html>Not Found</html>"u8.ToArray()));

        Assert.NotNull(problem);
        Assert.Contains("not an ONNX model", problem);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData(Pointer, "Git LFS pointer")]
    public async Task File_Problems_AreNamedInPlainWords(string content, string expected)
    {
        var path = _root.File("model.onnx");
        await File.WriteAllTextAsync(path, content);

        var problem = await ModelFileInspector.FindProblemAsync(path, CancellationToken.None);

        Assert.Contains(expected, problem);
    }
}
