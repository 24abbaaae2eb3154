using SkiaSharp;

namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>The polygon maths of DB post-processing: convex hull, minimum-area rectangle, corner order, unclip.</summary>
internal static class QuadGeometry
{
    /// <summary>Convex hull (Andrew's monotone chain); collinear points dropped, counter-clockwise in y-up terms.</summary>
    public static List<SKPoint> ConvexHull(IEnumerable<SKPoint> points)
    {
        var sorted = points.Distinct().OrderBy(p => p.X).ThenBy(p => p.Y).ToList();
        if (sorted.Count < 3)
        {
            return sorted;
        }

        var hull = new List<SKPoint>(sorted.Count + 1);
        for (var pass = 0; pass < 2; pass++)
        {
            var start = hull.Count;
            foreach (var p in sorted)
            {
                while (hull.Count >= start + 2 && Cross(hull[^2], hull[^1], p) <= 0)
                {
                    hull.RemoveAt(hull.Count - 1);
                }

                hull.Add(p);
            }

            hull.RemoveAt(hull.Count - 1);
            sorted.Reverse();
        }

        return hull;
    }

    /// <summary>
    /// The smallest-area rectangle enclosing the points (one side lies on a hull edge, so each edge is tried),
    /// as corners in <see cref="OrderCorners"/> order, with its shorter side.
    /// </summary>
    public static (TextQuad Box, float ShortSide) MinAreaRect(IEnumerable<SKPoint> points)
    {
        var hull = ConvexHull(points);
        if (hull.Count == 0)
        {
            return (default, 0f);
        }

        if (hull.Count == 1)
        {
            return (new TextQuad(hull[0], hull[0], hull[0], hull[0]), 0f);
        }

        var bestArea = double.MaxValue;
        SKPoint[] best = [];
        for (var i = 0; i < hull.Count; i++)
        {
            var a = hull[i];
            var b = hull[(i + 1) % hull.Count];
            double ux = b.X - a.X, uy = b.Y - a.Y;
            var length = Math.Sqrt(ux * ux + uy * uy);
            if (length == 0)
            {
                continue;
            }

            ux /= length;
            uy /= length;
            double minU = double.MaxValue, maxU = double.MinValue, minV = double.MaxValue, maxV = double.MinValue;
            foreach (var p in hull)
            {
                double dx = p.X - a.X, dy = p.Y - a.Y;
                var u = dx * ux + dy * uy;
                var v = -dx * uy + dy * ux;
                minU = Math.Min(minU, u);
                maxU = Math.Max(maxU, u);
                minV = Math.Min(minV, v);
                maxV = Math.Max(maxV, v);
            }

            var area = (maxU - minU) * (maxV - minV);
            if (area < bestArea)
            {
                bestArea = area;
                SKPoint Corner(double u, double v) => new((float)(a.X + u * ux - v * uy), (float)(a.Y + u * uy + v * ux));
                best = [Corner(minU, minV), Corner(maxU, minV), Corner(maxU, maxV), Corner(minU, maxV)];
            }
        }

        var box = OrderCorners(best);
        return (box, Math.Min(SKPoint.Distance(best[0], best[1]), SKPoint.Distance(best[1], best[2])));
    }

    /// <summary>
    /// PaddleOCR's corner order for a rectangle: of the two leftmost corners the upper is top-left, the lower
    /// bottom-left; of the two rightmost the upper is top-right, the lower bottom-right.
    /// </summary>
    public static TextQuad OrderCorners(IReadOnlyList<SKPoint> corners)
    {
        if (corners.Count != 4)
        {
            throw new ArgumentException("A quad needs exactly four corners.", nameof(corners));
        }

        var byX = corners.OrderBy(p => p.X).ThenBy(p => p.Y).ToArray();
        var (topLeft, bottomLeft) = byX[0].Y <= byX[1].Y ? (byX[0], byX[1]) : (byX[1], byX[0]);
        var (topRight, bottomRight) = byX[2].Y <= byX[3].Y ? (byX[2], byX[3]) : (byX[3], byX[2]);
        return new TextQuad(topLeft, topRight, bottomRight, bottomLeft);
    }

    /// <summary>Shoelace area of a simple polygon (absolute value).</summary>
    public static double Area(IReadOnlyList<SKPoint> polygon) => Math.Abs(SignedArea(polygon));

    public static double Perimeter(IReadOnlyList<SKPoint> polygon)
    {
        var perimeter = 0.0;
        for (var i = 0; i < polygon.Count; i++)
        {
            perimeter += SKPoint.Distance(polygon[i], polygon[(i + 1) % polygon.Count]);
        }

        return perimeter;
    }

    /// <summary>
    /// Grows a convex polygon outward by <c>area * ratio / perimeter</c> with round joins (what pyclipper's
    /// JT_ROUND offset does in PaddleOCR): each edge moves out along its normal and each corner gets an arc.
    /// </summary>
    public static List<SKPoint> Unclip(IReadOnlyList<SKPoint> polygon, double ratio)
    {
        var perimeter = Perimeter(polygon);
        if (polygon.Count < 3 || perimeter == 0)
        {
            return [.. polygon];
        }

        var distance = Area(polygon) * ratio / perimeter;
        // Outward normal of edge (a -> b): rotate the edge direction away from the interior.
        var orientation = SignedArea(polygon) > 0 ? 1.0 : -1.0;
        var result = new List<SKPoint>(polygon.Count * 10);
        for (var i = 0; i < polygon.Count; i++)
        {
            var previous = polygon[(i + polygon.Count - 1) % polygon.Count];
            var current = polygon[i];
            var next = polygon[(i + 1) % polygon.Count];
            var start = Math.Atan2(orientation * -(current.X - previous.X), orientation * (current.Y - previous.Y));
            var end = Math.Atan2(orientation * -(next.X - current.X), orientation * (next.Y - current.Y));
            var sweep = end - start;
            while (sweep <= -Math.PI)
            {
                sweep += 2 * Math.PI;
            }

            while (sweep > Math.PI)
            {
                sweep -= 2 * Math.PI;
            }

            const int ArcSteps = 8;
            for (var s = 0; s <= ArcSteps; s++)
            {
                var angle = start + sweep * s / ArcSteps;
                result.Add(new SKPoint((float)(current.X + distance * Math.Cos(angle)), (float)(current.Y + distance * Math.Sin(angle))));
            }
        }

        return result;
    }

    /// <summary>Whether the point lies inside or on a convex polygon (either winding).</summary>
    public static bool Contains(ReadOnlySpan<SKPoint> corners, float x, float y)
    {
        var sign = 0;
        for (var i = 0; i < corners.Length; i++)
        {
            var a = corners[i];
            var b = corners[(i + 1) % corners.Length];
            var cross = (b.X - a.X) * (y - a.Y) - (b.Y - a.Y) * (x - a.X);
            if (Math.Abs(cross) < 1e-3f)
            {
                continue;
            }

            var s = Math.Sign(cross);
            if (sign == 0)
            {
                sign = s;
            }
            else if (s != sign)
            {
                return false;
            }
        }

        return true;
    }

    private static double SignedArea(IReadOnlyList<SKPoint> polygon)
    {
        var sum = 0.0;
        for (var i = 0; i < polygon.Count; i++)
        {
            var a = polygon[i];
            var b = polygon[(i + 1) % polygon.Count];
            sum += (double)a.X * b.Y - (double)b.X * a.Y;
        }

        return sum / 2;
    }

    private static double Cross(SKPoint o, SKPoint a, SKPoint b) =>
        ((double)a.X - o.X) * ((double)b.Y - o.Y) - ((double)a.Y - o.Y) * ((double)b.X - o.X);
}
