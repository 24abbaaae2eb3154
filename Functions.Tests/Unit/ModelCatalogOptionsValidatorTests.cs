using Microsoft.Extensions.Options;
using FunctionsWorker.Inference;

namespace Functions.Tests.Unit;

public sealed class ModelCatalogOptionsValidatorTests
{
    private static readonly string Sha256 = new('a', 64);

    [Fact]
    public void ValidCatalog_Passes()
    {
        var result = Validate(
            ("ocr-det", new ModelOptions { Source = "blob://models/det.onnx", Sha256 = Sha256.ToUpperInvariant() }),
            ("ocr_rec.v4", new ModelOptions { Source = "file://models/rec.onnx", MaxConcurrency = 2, IntraOpThreads = 4 }));

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("det", "blob://models/det.onnx", null, "'Models:det:Sha256' is required")]
    [InlineData("det", "blob://models/det.onnx", "abc", "'Models:det:Sha256' must be 64 hexadecimal digits")]
    [InlineData("det", "blob://models/../det.onnx", null, "'Models:det:Source' is invalid")]
    [InlineData("det", null, null, "'Models:det:Source' is invalid")]
    [InlineData("../det", "file://det.onnx", null, "'Models:../det': a model name")]
    public void InvalidEntry_Fails_NamingTheSetting(string name, string? source, string? sha256, string expected)
    {
        var result = Validate((name, new ModelOptions { Source = source, Sha256 = sha256 }));

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage);
    }

    [Fact]
    public void NonPositiveConcurrency_Fails()
    {
        var result = Validate(("det", new ModelOptions { Source = "file://det.onnx", MaxConcurrency = 0, IntraOpThreads = 0 }));

        Assert.Contains("'Models:det:MaxConcurrency'", result.FailureMessage);
        Assert.Contains("'Models:det:IntraOpThreads'", result.FailureMessage);
    }

    [Fact]
    public void RequiredModels_MissingOnes_AreNamed()
    {
        var catalog = new ModelCatalogOptions();
        catalog.Models["ocr-det"] = new ModelOptions { Source = "file://det.onnx" };

        var thrown = Assert.Throws<OptionsValidationException>(() => catalog.ValidateRequiredModels(["ocr-det", "ocr-rec", "ocr-rec"]));

        Assert.Equal("Model 'ocr-rec' is required by a pipeline but not configured: set 'Models:ocr-rec:Source' (and 'Models:ocr-rec:Sha256' for a blob source).", Assert.Single(thrown.Failures));
    }

    private static ValidateOptionsResult Validate(params (string Name, ModelOptions Options)[] models)
    {
        var catalog = new ModelCatalogOptions();
        foreach (var (name, options) in models)
        {
            catalog.Models[name] = options;
        }

        return new ModelCatalogOptionsValidator().Validate(null, catalog);
    }
}
