using SkiaSharp;

namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>
/// Turns the DB detector's probability map into text boxes (PaddleOCR's DBPostProcess, "fast" score, quad boxes):
/// threshold, connected regions, minimum-area rectangle, score against the map, unclip, rectangle again, then
/// scale to the input image and drop slivers.
/// </summary>
internal sealed class DbPostProcessor(float binaryThreshold, float boxThreshold, float unclipRatio, int maxCandidates)
{
    /// <summary>Regions whose rectangle is thinner than this (map pixels) are noise.</summary>
    private const float MinSize = 3f;

    /// <param name="map">Row-major probabilities, <paramref name="mapWidth"/> x <paramref name="mapHeight"/>.</param>
    /// <param name="imageWidth">Width of the image the boxes are returned in.</param>
    /// <param name="imageHeight">Height of the image the boxes are returned in.</param>
    public List<TextQuad> Process(ReadOnlySpan<float> map, int mapWidth, int mapHeight, int imageWidth, int imageHeight)
    {
        var boxes = new List<TextQuad>();
        foreach (var region in FindRegions(map, mapWidth, mapHeight))
        {
            var (box, shortSide) = QuadGeometry.MinAreaRect(region);
            if (shortSide < MinSize)
            {
                continue;
            }

            if (BoxScore(map, mapWidth, mapHeight, box) < boxThreshold)
            {
                continue;
            }

            var (grown, grownShortSide) = QuadGeometry.MinAreaRect(QuadGeometry.Unclip(box.ToArray(), unclipRatio));
            if (grownShortSide < MinSize + 2)
            {
                continue;
            }

            var scaled = grown.Select(p => new SKPoint(
                Math.Clamp(MathF.Round(p.X / mapWidth * imageWidth), 0, imageWidth - 1),
                Math.Clamp(MathF.Round(p.Y / mapHeight * imageHeight), 0, imageHeight - 1)));
            var ordered = QuadGeometry.OrderCorners(scaled.ToArray());
            if (SKPoint.Distance(ordered.TopLeft, ordered.TopRight) <= 3 || SKPoint.Distance(ordered.TopLeft, ordered.BottomLeft) <= 3)
            {
                continue;
            }

            boxes.Add(ordered);
        }

        return boxes;
    }

    /// <summary>
    /// 8-connected regions of above-threshold pixels, each as its boundary pixels (the pixels with a 4-neighbour
    /// outside the region): their convex hull is the region's, at a fraction of the points.
    /// </summary>
    private List<List<SKPoint>> FindRegions(ReadOnlySpan<float> map, int width, int height)
    {
        var labels = new int[width * height];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = map[i] > binaryThreshold ? -1 : 0;
        }

        var regions = new List<List<SKPoint>>();
        var stack = new Stack<int>();
        for (var seed = 0; seed < labels.Length && regions.Count < maxCandidates; seed++)
        {
            if (labels[seed] != -1)
            {
                continue;
            }

            var label = regions.Count + 1;
            var members = new List<int>();
            labels[seed] = label;
            stack.Push(seed);
            while (stack.Count > 0)
            {
                var index = stack.Pop();
                members.Add(index);
                int x = index % width, y = index / width;
                for (var dy = -1; dy <= 1; dy++)
                {
                    for (var dx = -1; dx <= 1; dx++)
                    {
                        int nx = x + dx, ny = y + dy;
                        if ((dx | dy) != 0 && nx >= 0 && ny >= 0 && nx < width && ny < height && labels[ny * width + nx] == -1)
                        {
                            labels[ny * width + nx] = label;
                            stack.Push(ny * width + nx);
                        }
                    }
                }
            }

            var boundary = new List<SKPoint>();
            foreach (var index in members)
            {
                int x = index % width, y = index / width;
                if (x == 0 || y == 0 || x == width - 1 || y == height - 1
                    || labels[index - 1] != label || labels[index + 1] != label
                    || labels[index - width] != label || labels[index + width] != label)
                {
                    boundary.Add(new SKPoint(x, y));
                }
            }

            regions.Add(boundary);
        }

        return regions;
    }

    /// <summary>Mean probability inside the box, over the box's bounding rectangle clipped to the map.</summary>
    private static float BoxScore(ReadOnlySpan<float> map, int width, int height, TextQuad box)
    {
        var corners = box.ToArray();
        var xMin = Math.Clamp((int)MathF.Floor(corners.Min(p => p.X)), 0, width - 1);
        var xMax = Math.Clamp((int)MathF.Ceiling(corners.Max(p => p.X)), 0, width - 1);
        var yMin = Math.Clamp((int)MathF.Floor(corners.Min(p => p.Y)), 0, height - 1);
        var yMax = Math.Clamp((int)MathF.Ceiling(corners.Max(p => p.Y)), 0, height - 1);
        var sum = 0.0;
        var count = 0;
        for (var y = yMin; y <= yMax; y++)
        {
            for (var x = xMin; x <= xMax; x++)
            {
                if (QuadGeometry.Contains(corners, x, y))
                {
                    sum += map[y * width + x];
                    count++;
                }
            }
        }

        return count == 0 ? 0f : (float)(sum / count);
    }
}
