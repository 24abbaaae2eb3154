using SkiaSharp;

namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>Cuts a text quad out of an image as an upright strip with a perspective warp (edges replicated).</summary>
internal static class PerspectiveCrop
{
    /// <summary>Strips at least this much taller than wide are vertical text: turned a quarter counter-clockwise.</summary>
    public const float VerticalAspect = 1.5f;

    public static SKBitmap Crop(SKImage image, TextQuad quad)
    {
        var width = Math.Max(1, (int)quad.Width);
        var height = Math.Max(1, (int)quad.Height);
        var warp = Homography(
            quad.ToArray(),
            [new SKPoint(0, 0), new SKPoint(width, 0), new SKPoint(width, height), new SKPoint(0, height)]);

        var strip = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(strip))
        using (var shader = image.ToShader(SKShaderTileMode.Clamp, SKShaderTileMode.Clamp, new SKSamplingOptions(SKCubicResampler.CatmullRom), warp))
        using (var paint = new SKPaint { Shader = shader, BlendMode = SKBlendMode.Src })
        {
            canvas.DrawRect(0, 0, width, height, paint);
        }

        if (height < width * VerticalAspect)
        {
            return strip;
        }

        using (strip)
        {
            var turned = new SKBitmap(new SKImageInfo(height, width, SKColorType.Rgba8888, SKAlphaType.Opaque));
            using var canvas = new SKCanvas(turned);
            // (x, y) -> (y, width - x): a quarter turn counter-clockwise.
            canvas.SetMatrix(new SKMatrix(0, 1, 0, -1, 0, width, 0, 0, 1));
            canvas.DrawBitmap(strip, 0, 0);
            return turned;
        }
    }

    /// <summary>The projective transform taking each <paramref name="from"/> point to the matching <paramref name="to"/> point.</summary>
    public static SKMatrix Homography(IReadOnlyList<SKPoint> from, IReadOnlyList<SKPoint> to)
    {
        // Eight equations in h00..h21 (h22 = 1): x' (h20 x + h21 y + 1) = h00 x + h01 y + h02, likewise y'.
        var a = new double[8, 9];
        for (var i = 0; i < 4; i++)
        {
            double x = from[i].X, y = from[i].Y, u = to[i].X, v = to[i].Y;
            double[] rowU = [x, y, 1, 0, 0, 0, -u * x, -u * y, u];
            double[] rowV = [0, 0, 0, x, y, 1, -v * x, -v * y, v];
            for (var c = 0; c < 9; c++)
            {
                a[2 * i, c] = rowU[c];
                a[(2 * i) + 1, c] = rowV[c];
            }
        }

        var h = Solve(a);
        return new SKMatrix((float)h[0], (float)h[1], (float)h[2], (float)h[3], (float)h[4], (float)h[5], (float)h[6], (float)h[7], 1f);
    }

    // Gaussian elimination with partial pivoting on an augmented 8x9 system; a degenerate quad gives the identity.
    private static double[] Solve(double[,] a)
    {
        const int N = 8;
        for (var col = 0; col < N; col++)
        {
            var pivot = col;
            for (var row = col + 1; row < N; row++)
            {
                if (Math.Abs(a[row, col]) > Math.Abs(a[pivot, col]))
                {
                    pivot = row;
                }
            }

            if (Math.Abs(a[pivot, col]) < 1e-12)
            {
                return [1, 0, 0, 0, 1, 0, 0, 0];
            }

            for (var c = 0; c <= N; c++)
            {
                (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
            }

            for (var row = 0; row < N; row++)
            {
                if (row == col)
                {
                    continue;
                }

                var factor = a[row, col] / a[col, col];
                for (var c = col; c <= N; c++)
                {
                    a[row, c] -= factor * a[col, c];
                }
            }
        }

        var result = new double[N];
        for (var i = 0; i < N; i++)
        {
            result[i] = a[i, N] / a[i, i];
        }

        return result;
    }
}
