using System.Globalization;
using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;
using SkiaSharp;
using Xunit.Abstractions;
using FunctionsWorker.Pipelines;

namespace Functions.Tests.Integration.Ocr;

/// <summary>OCR over the committed tuning set (Images/tuning); each PNG has a .txt beside it with the expected reading-order text.</summary>
[Collection(OcrModelsFixture.Collection)]
public sealed class OcrFixtureImageTests(OcrModelsFixture models, ITestOutputHelper output)
{
    private static string ImagesDirectory => Path.Combine(RepositoryPaths.Root, "Functions.Tests", "Fixtures", "Images", "tuning");

    [Theory]
    [InlineData("receipt")]
    [InlineData("screenshot")]
    public async Task CommittedFixture_IsReadInOrder_WithinTwoPercentCer(string name)
    {
        var png = await File.ReadAllBytesAsync(Path.Combine(ImagesDirectory, name + ".png"));
        var expected = (await File.ReadAllTextAsync(Path.Combine(ImagesDirectory, name + ".txt"))).ReplaceLineEndings("\n").TrimEnd('\n');

        var result = await models.Pipeline.RunAsync(new PipelineContext
        {
            JobId = name,
            InputName = name + ".png",
            Input = BinaryData.FromBytes(png),
            Parameters = new PipelineParameters(new JsonObject { ["overlay"] = true }),
        }, CancellationToken.None);

        var recognised = result.Summary["text"]!.GetValue<string>();
        var cer = CharacterErrorRate.Of(expected, recognised);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: CER {cer:P2} (without whitespace {CharacterErrorRate.Of(CharacterErrorRate.WithoutWhitespace(expected), CharacterErrorRate.WithoutWhitespace(recognised)):P2}) timingsMs={result.Summary["timingsMs"]!.ToJsonString()}"));
        foreach (var line in result.Summary["lines"]!.AsArray())
        {
            output.WriteLine($"  {line!["box"]!.ToJsonString()} {line["confidence"]} {line["text"]}");
        }

        var found = result.Summary["lines"]!.AsArray().Select(l => CharacterErrorRate.WithoutWhitespace(l!["text"]!.GetValue<string>())).ToList();
        var missing = expected.Split('\n').Where(line => !found.Any(f => CharacterErrorRate.Of(CharacterErrorRate.WithoutWhitespace(line), f) <= 0.1));
        Assert.Empty(missing);
        Assert.True(cer <= 0.02, $"CER {cer:P2} (spaces counted) exceeds 2%");
        Assert.Contains(result.Outputs, o => o.Name == "overlay.png");
    }

    /// <summary>
    /// Each committed PNG is one the generator draws, at the generator's size, with its expected text beside it; with
    /// <see cref="FixtureImageGenerator.RegenerateVariable"/> set, the PNGs are redrawn first (then review and commit them). Pixels are not
    /// compared: the committed files stay the reference when fonts or Skia change.
    /// </summary>
    [Fact]
    public void CommittedFixtures_AreTheGeneratorsImages_WithTheirText()
    {
        if (Environment.GetEnvironmentVariable(FixtureImageGenerator.RegenerateVariable) == "1")
        {
            foreach (var (name, draw) in FixtureImageGenerator.All)
            {
                File.WriteAllBytes(Path.Combine(ImagesDirectory, name + ".png"), draw());
                output.WriteLine($"wrote {name}.png");
            }
        }

        var committed = Directory.EnumerateFiles(ImagesDirectory, "*.png").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        Assert.Equal(FixtureImageGenerator.All.Keys.Order(StringComparer.Ordinal), committed);
        foreach (var (name, draw) in FixtureImageGenerator.All)
        {
            using var drawn = SKBitmap.Decode(draw());
            using var file = SKBitmap.Decode(Path.Combine(ImagesDirectory, name + ".png"));
            Assert.Equal((drawn.Width, drawn.Height), (file.Width, file.Height));
            Assert.NotEmpty(File.ReadAllText(Path.Combine(ImagesDirectory, name + ".txt")).Trim());
        }
    }
}
