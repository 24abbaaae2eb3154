using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;
using FunctionsWorker.Errors;
using FunctionsWorker.Imaging;
using FunctionsWorker.Inference;
using FunctionsWorker.Pipelines;
using FunctionsWorker.Pipelines.Image;

namespace Functions.Tests.Unit.Image;

/// <summary>The <c>image</c> pipeline over real ONNX Runtime sessions of generated models.</summary>
public sealed class ImagePipelineTests : IDisposable
{
    private readonly List<ModelRunner> _runners = [];

    [Fact]
    public async Task Invert_OutputPixelsAreTheInverseOfTheInput()
    {
        var pipeline = Pipeline(("invert", OnnxModelWriter.InvertColours(), new ImageModelOptions()));
        using var input = Gradient(40, 30);

        var result = await pipeline.RunAsync(Context(Encode(input), new JsonObject { ["model"] = "invert" }), CancellationToken.None);

        var output = Assert.Single(result.Outputs);
        Assert.Equal(("output.png", "image/png"), (output.Name, output.ContentType));
        using var bitmap = SKBitmap.Decode(output.Content.ToArray());
        Assert.Equal((40, 30), (bitmap.Width, bitmap.Height));
        for (var y = 0; y < 30; y++)
        {
            for (var x = 0; x < 40; x++)
            {
                var expected = input.GetPixel(x, y);
                var actual = bitmap.GetPixel(x, y);
                Assert.InRange(actual.Red, 254 - expected.Red, 256 - expected.Red);
                Assert.InRange(actual.Green, 254 - expected.Green, 256 - expected.Green);
                Assert.InRange(actual.Blue, 254 - expected.Blue, 256 - expected.Blue);
            }
        }

        Assert.Equal("invert", result.Summary["model"]!.GetValue<string>());
        Assert.Equal("image", result.Summary["output"]!.GetValue<string>());
        Assert.Equal(40, result.Summary["width"]!.GetValue<int>());
        Assert.Equal(30, result.Summary["height"]!.GetValue<int>());
        var timings = result.Summary["timingsMs"]!.AsObject();
        Assert.Equal(["decode", "preprocess", "inference", "postprocess", "encode"], timings.Select(t => t.Key));
    }

    [Fact]
    public async Task AlphaMask_BecomesTheAlphaChannel_ColoursKept()
    {
        var pipeline = Pipeline(("matte", OnnxModelWriter.AlphaMask(), new ImageModelOptions { Output = ImageOutputKind.Mask }));
        using var input = new SKBitmap(new SKImageInfo(20, 10, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(input))
        {
            canvas.Clear(SKColors.White);
            using var paint = new SKPaint { Color = SKColors.Black };
            canvas.DrawRect(10, 0, 10, 10, paint);
        }

        var result = await pipeline.RunAsync(Context(Encode(input), new JsonObject { ["model"] = "matte" }), CancellationToken.None);

        Assert.Equal("mask", result.Summary["output"]!.GetValue<string>());
        using var bitmap = DecodeUnpremul(Assert.Single(result.Outputs).Content);
        Assert.Equal((20, 10), (bitmap.Width, bitmap.Height));

        // White: mean 1, sigmoid(1) = 0.731 -> 186; black: sigmoid(0) = 0.5 -> 128. Away from the edge the resize blends.
        var white = bitmap.GetPixel(2, 5);
        var black = bitmap.GetPixel(17, 5);
        Assert.InRange(white.Alpha, 185, 187);
        Assert.InRange(black.Alpha, 127, 129);
        Assert.Equal((255, 255, 255), (white.Red, white.Green, white.Blue));
        Assert.Equal((0, 0, 0), (black.Red, black.Green, black.Blue));
    }

    [Fact]
    public async Task AlphaMask_WithFixedInputSize_IsResizedBackToTheInput()
    {
        var pipeline = Pipeline(("matte", OnnxModelWriter.AlphaMask(), new ImageModelOptions { Output = ImageOutputKind.Mask, InputSize = "8x8" }));

        var result = await pipeline.RunAsync(Context(TestImages.Png(64, 48, SKColors.White), new JsonObject { ["model"] = "matte" }), CancellationToken.None);

        Assert.Equal((8, 8), (result.Summary["modelWidth"]!.GetValue<int>(), result.Summary["modelHeight"]!.GetValue<int>()));
        using var bitmap = DecodeUnpremul(Assert.Single(result.Outputs).Content);
        Assert.Equal((64, 48), (bitmap.Width, bitmap.Height));
        Assert.InRange(bitmap.GetPixel(1, 1).Alpha, 185, 187);
    }

    [Fact]
    public async Task FixedInputSize_OutputIsResizedBackToTheInputSize()
    {
        var pipeline = Pipeline(("invert", OnnxModelWriter.InvertColours(), new ImageModelOptions { InputSize = "16x16" }));

        var result = await pipeline.RunAsync(Context(TestImages.Png(64, 48, SKColors.White), new JsonObject { ["model"] = "invert" }), CancellationToken.None);

        Assert.Equal((16, 16), (result.Summary["modelWidth"]!.GetValue<int>(), result.Summary["modelHeight"]!.GetValue<int>()));
        using var bitmap = SKBitmap.Decode(Assert.Single(result.Outputs).Content.ToArray());
        Assert.Equal((64, 48), (bitmap.Width, bitmap.Height));
        Assert.Equal(SKColors.Black, bitmap.GetPixel(0, 0));
    }

    [Fact]
    public async Task DeclaredFixedModelSize_IsUsed_AndResizeToInputFalseKeepsIt()
    {
        var pipeline = Pipeline(("invert", OnnxModelWriter.InvertColours("1", "3", "20", "12"), new ImageModelOptions { ResizeToInput = false }));

        var result = await pipeline.RunAsync(Context(TestImages.Png(64, 48), new JsonObject { ["model"] = "invert" }), CancellationToken.None);

        using var bitmap = SKBitmap.Decode(Assert.Single(result.Outputs).Content.ToArray());
        Assert.Equal((12, 20), (bitmap.Width, bitmap.Height));
        Assert.Equal(12, result.Summary["width"]!.GetValue<int>());
    }

    [Fact]
    public async Task StdAndOutputScale_RoundTripThroughAnIdentityModel()
    {
        // Std 0.5 doubles the values the model sees; OutputScale 2 halves them again.
        var options = new ImageModelOptions { Std = [0.5f, 0.5f, 0.5f], OutputScale = 2f, ChannelOrder = ChannelOrder.Bgr };
        var pipeline = Pipeline(("id", OnnxModelWriter.Identity(), options));
        using var input = Gradient(16, 16);

        var result = await pipeline.RunAsync(Context(Encode(input), new JsonObject { ["model"] = "id" }), CancellationToken.None);

        using var bitmap = SKBitmap.Decode(Assert.Single(result.Outputs).Content.ToArray());
        for (var x = 0; x < 16; x++)
        {
            var expected = input.GetPixel(x, 7);
            var actual = bitmap.GetPixel(x, 7);
            Assert.InRange(actual.Red - expected.Red, -1, 1);
            Assert.InRange(actual.Green - expected.Green, -1, 1);
            Assert.InRange(actual.Blue - expected.Blue, -1, 1);
        }
    }

    [Fact]
    public async Task JpegFormat_WritesOutputJpg()
    {
        var pipeline = Pipeline(("invert", OnnxModelWriter.InvertColours(), new ImageModelOptions()));

        var result = await pipeline.RunAsync(
            Context(TestImages.Png(20, 20), new JsonObject { ["model"] = "invert", ["format"] = "jpeg" }), CancellationToken.None);

        var output = Assert.Single(result.Outputs);
        Assert.Equal(("output.jpg", "image/jpeg"), (output.Name, output.ContentType));
        Assert.Equal(0xFF, output.Content.ToArray()[0]);
    }

    [Fact]
    public async Task UnknownModel_IsInvalidParameter_ListingTheAvailableOnes()
    {
        var pipeline = Pipeline(
            ("invert", OnnxModelWriter.InvertColours(), new ImageModelOptions()),
            ("matte", OnnxModelWriter.AlphaMask(), new ImageModelOptions { Output = ImageOutputKind.Mask }));

        var error = await Assert.ThrowsAsync<InvalidJobException>(() =>
            pipeline.RunAsync(Context(TestImages.Png(8, 8), new JsonObject { ["model"] = "upscale" }), CancellationToken.None));

        Assert.Equal("invalid-parameter", error.ErrorType);
        Assert.Contains("'upscale'", error.Message, StringComparison.Ordinal);
        Assert.Contains("invert, matte", error.Message, StringComparison.Ordinal);
        Assert.Equal(["invert", "matte"], pipeline.RequiredModels);

        var missing = await Assert.ThrowsAsync<InvalidJobException>(() =>
            pipeline.RunAsync(Context(TestImages.Png(8, 8), new JsonObject()), CancellationToken.None));
        Assert.Equal("invalid-parameter", missing.ErrorType);
    }

    [Fact]
    public async Task ModelWhoseOutputDoesNotMatchTheSettings_IsAWorkerFault()
    {
        // An image model configured as a mask: three channels where one is expected.
        var pipeline = Pipeline(("invert", OnnxModelWriter.InvertColours(), new ImageModelOptions { Output = ImageOutputKind.Mask }));

        var error = await Assert.ThrowsAsync<WorkerFaultException>(() =>
            pipeline.RunAsync(Context(TestImages.Png(8, 8), new JsonObject { ["model"] = "invert" }), CancellationToken.None));

        Assert.Equal("model-output-mismatch", error.ErrorType);
        Assert.Contains("Pipelines:Image:Models:invert", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var runner in _runners)
        {
            runner.Dispose();
        }
    }

    private ImagePipeline Pipeline(params (string Name, byte[] Model, ImageModelOptions Options)[] models)
    {
        var options = new ImagePipelineOptions();
        var runners = new Dictionary<string, ModelRunner>();
        foreach (var (name, model, settings) in models)
        {
            options.Models[name] = settings;
            var runner = new ModelRunner(name, new InferenceSession(model), 1);
            _runners.Add(runner);
            runners[name] = runner;
        }

        return new ImagePipeline(
            Microsoft.Extensions.Options.Options.Create(options),
            new StaticModelProvider(runners),
            new ImageDecoder(Microsoft.Extensions.Options.Options.Create(new ImagingOptions()), new MemoryBudget(new ImagingOptions().MemoryBudgetBytes)),
            TimeProvider.System,
            NullLogger<ImagePipeline>.Instance);
    }

    private static PipelineContext Context(byte[] input, JsonObject parameters) => new()
    {
        JobId = "job-1",
        InputName = "input.png",
        Input = BinaryData.FromBytes(input),
        Parameters = new PipelineParameters(parameters),
    };

    /// <summary>Every pixel different: red along x, green along y, blue across both.</summary>
    private static SKBitmap Gradient(int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 255 / (width - 1)), (byte)(y * 255 / (height - 1)), (byte)((x + y) * 7 % 256)));
            }
        }

        return bitmap;
    }

    private static byte[] Encode(SKBitmap bitmap)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static SKBitmap DecodeUnpremul(BinaryData png)
    {
        using var codec = SKCodec.Create(new SKMemoryStream(png.ToArray()));
        var bitmap = new SKBitmap(new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        Assert.Equal(SKCodecResult.Success, codec.GetPixels(bitmap.Info, bitmap.GetPixels()));
        return bitmap;
    }
}
