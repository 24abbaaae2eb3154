namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>
/// The few input shapes the OCR models are run with. ONNX Runtime plans memory per input shape, and a job that brings
/// a shape the session has not just run pays for it (up to twice the steady time on the 2-core bench machine), so the
/// detector's input is padded to sides in steps of <see cref="DetectionStep"/>, a recognition batch to a width from
/// <see cref="RecognitionWidths"/> and to a count from 1, 2, 4 or the batch size; every such shape is warmed at start-up.
/// </summary>
internal static class ShapeBuckets
{
    /// <summary>Detector sides are padded up to a multiple of this (a multiple of <see cref="DetectionSize.Multiple"/>).</summary>
    public const int DetectionStep = 160;

    /// <summary>
    /// Recognition widths (at height 48), all warmed; a wider batch (a line over 40 times longer than high, rare) is
    /// padded to a multiple of <see cref="RecognitionWideStep"/> and not warmed.
    /// </summary>
    public static readonly int[] RecognitionWidths = [320, 480, 640, 960, 1280, 1920];

    public const int RecognitionWideStep = 640;

    /// <summary>The detector input side for a content side (a multiple of 32 from <see cref="DetectionSize"/>).</summary>
    public static int DetectionSide(int side) => Math.Max(1, (side + DetectionStep - 1) / DetectionStep) * DetectionStep;

    /// <summary>The recognition batch width for the widest strip of a batch.</summary>
    public static int RecognitionWidth(int width)
    {
        foreach (var bucket in RecognitionWidths)
        {
            if (width <= bucket)
            {
                return bucket;
            }
        }

        return (width + RecognitionWideStep - 1) / RecognitionWideStep * RecognitionWideStep;
    }

    /// <summary>The padded batch count for <paramref name="count"/> strips: 1, 2, 4, then the batch size.</summary>
    public static int RecognitionCount(int count, int batchSize)
    {
        foreach (var bucket in (int[])[1, 2, 4])
        {
            if (count <= bucket && bucket < batchSize)
            {
                return bucket;
            }
        }

        return batchSize;
    }

    /// <summary>Every detector shape (width, height) an image within <paramref name="maxSide"/> can get.</summary>
    public static IEnumerable<(int Width, int Height)> DetectionShapes(int maxSide)
    {
        var largest = DetectionSide(maxSide);
        for (var width = DetectionStep; width <= largest; width += DetectionStep)
        {
            for (var height = DetectionStep; height <= largest; height += DetectionStep)
            {
                yield return (width, height);
            }
        }
    }

    /// <summary>Every recognition shape (count, width) up to the largest width bucket.</summary>
    public static IEnumerable<(int Count, int Width)> RecognitionShapes(int batchSize)
    {
        var counts = new[] { 1, 2, 4, batchSize }.Where(c => c <= batchSize).Distinct();
        foreach (var count in counts)
        {
            foreach (var width in RecognitionWidths)
            {
                yield return (count, width);
            }
        }
    }
}
