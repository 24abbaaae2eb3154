using Functions.Tests.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using FunctionsWorker.Imaging;
using FunctionsWorker.Inference;
using FunctionsWorker.Pipelines;
using FunctionsWorker.Pipelines.Image;

namespace Functions.Tests.Unit.Image;

public sealed class AddImagePipelineTests
{
    [Fact]
    public void NotEnabled_RegistersNoImagePipeline()
    {
        using var host = Build(new() { ["Pipelines:Image:Models:invert:SizeMultiple"] = "8" }, enabled: false);
        Assert.Empty(host.Services.GetServices<IPipeline>());
    }

    [Fact]
    public async Task EnabledWithoutModels_FailsStartup_NamingTheSetting()
    {
        using var host = Build([]);
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Pipelines:Image:Models must configure at least one model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfiguredModels_AreTheRequiredModels_WithSettingsBound()
    {
        using var host = Build(new()
        {
            ["Pipelines:Image:Models:invert:InputSize"] = "512x256",
            ["Pipelines:Image:Models:invert:Mean:0"] = "0.485",
            ["Pipelines:Image:Models:invert:Mean:1"] = "0.456",
            ["Pipelines:Image:Models:invert:Mean:2"] = "0.406",
            ["Pipelines:Image:Models:invert:ChannelOrder"] = "BGR",
            ["Pipelines:Image:Models:rembg:Output"] = "mask",
            ["Pipelines:Image:Models:rembg:SizeMultiple"] = "32",
        });
        await host.StartAsync();

        var pipeline = Assert.Single(host.Services.GetServices<IPipeline>());
        Assert.Equal("image", pipeline.Name);
        Assert.Equal(["invert", "rembg"], pipeline.RequiredModels);
        var options = host.Services.GetRequiredService<IOptions<ImagePipelineOptions>>().Value;
        Assert.Equal([0.485f, 0.456f, 0.406f], options.Models["invert"].Mean!);
        Assert.Equal(ChannelOrder.Bgr, options.Models["invert"].ChannelOrder);
        Assert.Equal(ImageOutputKind.Mask, options.Models["rembg"].Output);
        Assert.Equal(32, options.Models["rembg"].SizeMultiple);
        Assert.Equal(2048, options.Models["rembg"].MaxSide);
        await host.StopAsync();
    }

    [Fact]
    public async Task BadSettings_FailStartup_NamingEachSetting()
    {
        using var host = Build(new()
        {
            ["Pipelines:Image:Models:invert:Mean:0"] = "0.5",
            ["Pipelines:Image:Models:invert:Std:0"] = "0",
            ["Pipelines:Image:Models:invert:Std:1"] = "1",
            ["Pipelines:Image:Models:invert:Std:2"] = "1",
            ["Pipelines:Image:Models:invert:InputSize"] = "512",
            ["Pipelines:Image:Models:invert:OutputScale"] = "0",
            ["Pipelines:Image:Models:big:SizeMultiple"] = "64",
            ["Pipelines:Image:Models:big:MaxSide"] = "32",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Pipelines:Image:Models:invert:Mean must have 3 numbers", error.Message, StringComparison.Ordinal);
        Assert.Contains("Pipelines:Image:Models:invert:Std must have 3 numbers above 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("Pipelines:Image:Models:invert:InputSize must be WIDTHxHEIGHT", error.Message, StringComparison.Ordinal);
        Assert.Contains("Pipelines:Image:Models:invert:OutputScale", error.Message, StringComparison.Ordinal);
        Assert.Contains("Pipelines:Image:Models:big:MaxSide", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 2048, 100, 50, 100, 50)]
    [InlineData(8, 2048, 30, 17, 32, 16)]
    [InlineData(32, 64, 1000, 500, 64, 32)]
    [InlineData(32, 2048, 5, 5, 32, 32)]
    [InlineData(1, 100, 400, 300, 100, 75)]
    public void DynamicModelInputSize_IsScaledToMaxSide_AndRoundedToTheMultiple(
        int multiple, int maxSide, int width, int height, int expectedWidth, int expectedHeight)
    {
        var settings = ImageModelSettings.From("m", new ImageModelOptions { SizeMultiple = multiple, MaxSide = maxSide });

        Assert.Equal(new ImageSize(expectedWidth, expectedHeight), settings.ModelInputSize([-1, 3, -1, -1], width, height));
    }

    private static IHost Build(Dictionary<string, string?> settings, bool enabled = true)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Pipelines:Image:Enabled"] = enabled ? "true" : "false" });
        builder.Services.AddSingleton<IModelProvider>(new StaticModelProvider(new Dictionary<string, ModelRunner>()));
        // The catalog names every model these tests' pipelines may require, so the start-up check passes.
        builder.Services.Configure<ModelCatalogOptions>(catalog =>
        {
            foreach (var name in new[] { "invert", "rembg", "big" })
            {
                catalog.Models[name] = new ModelOptions { Source = "file:///unused.onnx" };
            }
        });
        builder.Services.AddSingleton(new ImageDecoder(Options.Create(new ImagingOptions()), new MemoryBudget(new ImagingOptions().MemoryBudgetBytes)));
        builder.Services.AddLogging();
        builder.AddImagePipeline();
        return builder.Build();
    }
}
