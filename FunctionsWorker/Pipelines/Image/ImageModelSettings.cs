namespace FunctionsWorker.Pipelines.Image;

/// <summary>One model's validated options with the defaults filled in, resolved once at startup.</summary>
internal sealed record ImageModelSettings(
    string Model,
    ImageSize? FixedSize,
    int SizeMultiple,
    int MaxSide,
    float[] Mean,
    float[] Std,
    ChannelOrder ChannelOrder,
    ImageOutputKind Output,
    float OutputScale,
    bool ResizeToInput)
{
    public static ImageModelSettings From(string model, ImageModelOptions options)
    {
        ImageSize? fixedSize = ImageSize.TryParse(options.InputSize, out var size) ? size : null;
        return new ImageModelSettings(
            model,
            fixedSize,
            options.SizeMultiple,
            options.MaxSide,
            options.Mean is { Length: 3 } mean ? [.. mean] : [0f, 0f, 0f],
            options.Std is { Length: 3 } std ? [.. std] : [1f, 1f, 1f],
            options.ChannelOrder,
            options.Output,
            options.OutputScale,
            options.ResizeToInput);
    }

    /// <summary>
    /// The size the model sees: the configured <c>InputSize</c>, else the height and width the model declares, else the
    /// image scaled down to <c>MaxSide</c> with each side rounded to the nearest multiple of <c>SizeMultiple</c>.
    /// </summary>
    public ImageSize ModelInputSize(IReadOnlyList<int> declaredShape, int imageWidth, int imageHeight)
    {
        if (FixedSize is { } configured)
        {
            return configured;
        }

        if (declaredShape.Count == 4 && declaredShape[2] > 0 && declaredShape[3] > 0)
        {
            return new ImageSize(declaredShape[3], declaredShape[2]);
        }

        var scale = Math.Min(1.0, (double)MaxSide / Math.Max(imageWidth, imageHeight));
        return new ImageSize(Round(imageWidth * scale), Round(imageHeight * scale));
    }

    private int Round(double side)
    {
        var multiples = Math.Max(1, (int)Math.Round(side / SizeMultiple, MidpointRounding.AwayFromZero));
        // Rounding up may pass MaxSide; step back down while a smaller multiple still exists.
        while (multiples > 1 && multiples * SizeMultiple > MaxSide)
        {
            multiples--;
        }

        return multiples * SizeMultiple;
    }
}
