using SkiaSharp;

namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>
/// Joins detected boxes that sit on one text row into lines, in reading order. The detector cuts a row wherever the
/// ink has a wide gap (a price-list row `Espresso      2.80`, the words of a large heading), so two boxes share a row
/// when their centres lie on one centre line: across the pair's mean direction (so tilted rows still match), the
/// centres differ by at most <see cref="CentreTolerance"/> of the smaller box's height plus <see cref="SlopeTolerance"/>
/// of their distance along it (a short box's own angle is uncertain by a pixel or two, which a wide gap magnifies);
/// and their heights differ by at most <see cref="MaxHeightRatio"/>, so a heading never swallows the small print beside it.
/// </summary>
internal static class LineGrouper
{
    /// <summary>Largest distance between centre lines, as a fraction of the smaller box's height (line spacing is at least 1).</summary>
    public const float CentreTolerance = 0.5f;

    /// <summary>Allowed drift between centres per pixel of distance along the row (about half a degree).</summary>
    public const float SlopeTolerance = 0.01f;

    /// <summary>Largest ratio of the taller box's height to the shorter's within one line.</summary>
    public const float MaxHeightRatio = 2f;

    /// <summary>
    /// The lines, top to bottom, each with its boxes in reading order. A line whose boxes were mostly read upside down
    /// reads right to left in image coordinates, and a page whose text is mostly upside down reads bottom to top.
    /// </summary>
    public static List<OcrLine> Group(IReadOnlyList<OcrBox> boxes)
    {
        var parent = Enumerable.Range(0, boxes.Count).ToArray();
        for (var a = 0; a < boxes.Count; a++)
        {
            for (var b = a + 1; b < boxes.Count; b++)
            {
                if (SameRow(boxes[a].Box, boxes[b].Box))
                {
                    parent[Find(parent, b)] = Find(parent, a);
                }
            }
        }

        var rows = Enumerable.Range(0, boxes.Count)
            .GroupBy(i => Find(parent, i))
            .Select(row => row.ToList())
            .ToList();

        var lines = new List<(OcrLine Line, float Order, bool Flipped, int Length)>(rows.Count);
        foreach (var row in rows)
        {
            // Along the row's direction (its widest box's), so a tilted row keeps its left-to-right order.
            var widest = row.MaxBy(i => boxes[i].Box.Width);
            var direction = Direction(boxes[widest].Box);
            var flipped = row.Sum(i => boxes[i].Flipped ? boxes[i].Text.Length : -boxes[i].Text.Length) > 0;
            var ordered = row.OrderBy(i => Dot(Centre(boxes[i].Box), direction) * (flipped ? -1 : 1)).ToList();
            var text = string.Join(' ', ordered.Select(i => boxes[i].Text));
            var length = ordered.Sum(i => boxes[i].Text.Length);
            var confidence = length == 0 ? 0f : ordered.Sum(i => boxes[i].Confidence * boxes[i].Text.Length) / length;
            var top = row.Average(i => Centre(boxes[i].Box).Y);
            lines.Add((new OcrLine(text, confidence, Enclose(boxes, ordered), ordered), top, flipped, length));
        }

        var pageFlipped = lines.Sum(l => l.Flipped ? l.Length : -l.Length) > 0;
        return [.. lines.OrderBy(l => pageFlipped ? -l.Order : l.Order).Select(l => l.Line)];
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> are parts of one text row.</summary>
    public static bool SameRow(TextQuad a, TextQuad b)
    {
        var (ha, hb) = (a.Height, b.Height);
        var (small, large) = ha < hb ? (ha, hb) : (hb, ha);
        if (small <= 0 || large / small > MaxHeightRatio)
        {
            return false;
        }

        // The sum of both boxes' edge vectors: the wider box, whose angle is surer, weighs more.
        var direction = Unit(Along(a) + Along(b));
        var normal = new SKPoint(-direction.Y, direction.X);
        var between = Centre(b) - Centre(a);
        var tolerance = (CentreTolerance * small) + (SlopeTolerance * MathF.Abs(Dot(between, direction)));
        return MathF.Abs(Dot(between, normal)) <= tolerance;
    }

    private static SKPoint Along(TextQuad box) => (box.TopRight - box.TopLeft) + (box.BottomRight - box.BottomLeft);

    private static SKPoint Direction(TextQuad box) => Unit(Along(box));

    private static SKPoint Unit(SKPoint along)
    {
        var length = along.Length;
        return length > 0 ? new SKPoint(along.X / length, along.Y / length) : new SKPoint(1, 0);
    }

    private static SKPoint Centre(TextQuad box) => new(
        (box.TopLeft.X + box.TopRight.X + box.BottomRight.X + box.BottomLeft.X) / 4,
        (box.TopLeft.Y + box.TopRight.Y + box.BottomRight.Y + box.BottomLeft.Y) / 4);

    private static float Dot(SKPoint a, SKPoint b) => (a.X * b.X) + (a.Y * b.Y);

    /// <summary>One box: its own; several: the smallest rectangle around all their corners.</summary>
    private static TextQuad Enclose(IReadOnlyList<OcrBox> boxes, List<int> members) =>
        members.Count == 1
            ? boxes[members[0]].Box
            : QuadGeometry.OrderCorners(QuadGeometry.MinAreaRect(members.SelectMany(i => boxes[i].Box.ToArray())).Box.ToArray());

    private static int Find(int[] parent, int i)
    {
        while (parent[i] != i)
        {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }

        return i;
    }
}
