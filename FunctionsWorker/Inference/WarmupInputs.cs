namespace FunctionsWorker.Inference;

/// <summary>
/// Dummy inputs for the warm-up run, shaped as the model declares them. Dynamic dimensions get small sizes: 1 for the
/// batch, 3 channels, 64 pixels; a text-line recogniser (fixed height of at most 64, dynamic width) gets width 320.
/// Each shape runs until its time settles (<see cref="Settled"/>, at most <see cref="MaxRunsPerShape"/> runs): the first
/// runs of a shape allocate and plan, and readiness should mean the next job runs at its steady speed.
/// </summary>
internal static class WarmupInputs
{
    private const int SpatialSize = 64;
    private const int TextLineWidth = 320;
    private const int TextLineMaxHeight = 64;
    private const float FillValue = 0.5f;

    /// <summary>Runs at most this many times per shape while waiting for its run time to settle.</summary>
    public const int MaxRunsPerShape = 6;

    /// <summary>Two consecutive runs whose times differ by at most this fraction of the slower one count as settled.</summary>
    public const double SettledTolerance = 0.2;

    public static Dictionary<string, TensorData> Create(IReadOnlyDictionary<string, int[]> inputs) =>
        Fill(inputs.ToDictionary(input => input.Key, input => Shape(input.Value)));

    /// <summary>Tensors of exactly these shapes, filled with a mid value.</summary>
    public static Dictionary<string, TensorData> Fill(IReadOnlyDictionary<string, int[]> shapes) =>
        shapes.ToDictionary(input => input.Key, input =>
        {
            var tensor = TensorData.Create(input.Value);
            Array.Fill(tensor.Data, FillValue);
            return tensor;
        });

    /// <summary>Whether the last two run times (ms) are within <see cref="SettledTolerance"/> of each other.</summary>
    public static bool Settled(double previousMs, double lastMs) =>
        Math.Abs(previousMs - lastMs) <= SettledTolerance * Math.Max(previousMs, lastMs);

    public static int[] Shape(IReadOnlyList<int> declared)
    {
        var shape = new int[declared.Count];
        for (var i = 0; i < shape.Length; i++)
        {
            shape[i] = declared[i] > 0 ? declared[i] : DynamicSize(declared, i);
        }

        return shape;
    }

    private static int DynamicSize(IReadOnlyList<int> declared, int index)
    {
        if (index == 0)
        {
            return 1;
        }

        if (declared.Count != 4)
        {
            return SpatialSize;
        }

        return index switch
        {
            1 => 3,
            3 when declared[2] is > 0 and <= TextLineMaxHeight => TextLineWidth,
            _ => SpatialSize,
        };
    }
}
