namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>Sorts boxes top-to-bottom, then left-to-right among boxes whose tops are within a line's tolerance.</summary>
internal static class ReadingOrder
{
    /// <summary>Boxes whose top-left corners differ by less than this many pixels vertically share a line.</summary>
    public const float SameLineTolerance = 10f;

    /// <summary>Returns the indices of <paramref name="boxes"/> in reading order.</summary>
    public static int[] Sort(IReadOnlyList<TextQuad> boxes)
    {
        var order = Enumerable.Range(0, boxes.Count)
            .OrderBy(i => boxes[i].TopLeft.Y)
            .ThenBy(i => boxes[i].TopLeft.X)
            .ToArray();

        // A stable top-then-left sort puts a slightly higher box on the right before its left neighbour: bubble
        // each box left past same-line boxes that start further right (PaddleOCR's sorted_boxes does the same).
        for (var i = 0; i < order.Length - 1; i++)
        {
            for (var j = i; j >= 0; j--)
            {
                var next = boxes[order[j + 1]].TopLeft;
                var current = boxes[order[j]].TopLeft;
                if (Math.Abs(next.Y - current.Y) < SameLineTolerance && next.X < current.X)
                {
                    (order[j], order[j + 1]) = (order[j + 1], order[j]);
                }
                else
                {
                    break;
                }
            }
        }

        return order;
    }
}
