using System.Globalization;

namespace FunctionsWorker.Pipelines.Image;

/// <summary>A width and height in pixels, written <c>WIDTHxHEIGHT</c> in settings.</summary>
public readonly record struct ImageSize(int Width, int Height)
{
    /// <summary>Largest side a setting may name; far above any model input, it only keeps tensors allocatable.</summary>
    public const int MaxSideLimit = 16384;

    public static bool TryParse(string? text, out ImageSize size)
    {
        size = default;
        var parts = text?.Split('x', 'X') ?? [];
        if (parts.Length != 2
            || !int.TryParse(parts[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var width)
            || !int.TryParse(parts[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var height)
            || width is < 1 or > MaxSideLimit || height is < 1 or > MaxSideLimit)
        {
            return false;
        }

        size = new ImageSize(width, height);
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Width}x{Height}");
}
