using Functions.Tests.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using FunctionsWorker.Imaging;
using FunctionsWorker.Inference;
using FunctionsWorker.Pipelines;
using FunctionsWorker.Pipelines.Ocr;

namespace Functions.Tests.Unit.Ocr;

public sealed class AddOcrPipelineTests
{
    [Fact]
    public async Task Defaults_NeedTheTwoModelsAndTheDictionaryFromTheCatalog_AndRegisterTheOcrPipeline()
    {
        using var host = Build([]);
        await host.StartAsync();

        var pipeline = Assert.Single(host.Services.GetServices<IPipeline>());
        Assert.Equal("ocr", pipeline.Name);
        Assert.Equal(["ocr-det", "ocr-rec", "ocr-dict"], pipeline.RequiredModels);
        var options = host.Services.GetRequiredService<IOptions<OcrOptions>>().Value;
        Assert.Equal("ocr-dict", options.Dictionary);
        Assert.Equal(960, options.MaxSide);
        await host.StopAsync();
    }

    [Fact]
    public async Task ConfiguredModelNames_AreTheRequiredModels()
    {
        using var host = Build(new()
        {
            ["Pipelines:Ocr:DetectionModel"] = "det-v5",
            ["Pipelines:Ocr:RecognitionModel"] = "rec-v5",
            ["Pipelines:Ocr:Dictionary"] = "keys-v5",
        });
        await host.StartAsync();

        Assert.Equal(["det-v5", "rec-v5", "keys-v5"], host.Services.GetServices<IPipeline>().Single().RequiredModels);
        await host.StopAsync();
    }

    [Fact]
    public async Task EmptyDictionaryName_FailsStartup_NamingTheSetting()
    {
        using var host = Build(new() { ["Pipelines:Ocr:Dictionary"] = "" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Pipelines:Ocr:Dictionary", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutOfRangeSettings_FailStartup()
    {
        using var host = Build(new() { ["Pipelines:Ocr:MaxSide"] = "10", ["Pipelines:Ocr:BoxThreshold"] = "1.5" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Pipelines:Ocr:MaxSide", error.Message, StringComparison.Ordinal);
        Assert.Contains("Pipelines:Ocr:BoxThreshold", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NotEnabled_RegistersNoOcrPipeline()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, DisableDefaults = true });
        builder.AddOcrPipeline();
        using var host = builder.Build();
        Assert.Empty(host.Services.GetServices<IPipeline>());
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Pipelines:Ocr:Enabled"] = "true" });
        builder.Services.AddSingleton<IModelProvider>(new StaticModelProvider(new Dictionary<string, ModelRunner>()));
        // The catalog names every model these tests' pipelines may require, so the start-up check passes.
        builder.Services.Configure<ModelCatalogOptions>(catalog =>
        {
            foreach (var name in new[] { "ocr-det", "ocr-rec", "ocr-dict", "det-v5", "rec-v5", "keys-v5" })
            {
                catalog.Models[name] = new ModelOptions { Source = "file:///unused.onnx" };
            }
        });
        builder.Services.AddSingleton(new ImageDecoder(Options.Create(new ImagingOptions()), new MemoryBudget(new ImagingOptions().MemoryBudgetBytes)));
        builder.Services.AddLogging();
        builder.AddOcrPipeline();
        return builder.Build();
    }
}
