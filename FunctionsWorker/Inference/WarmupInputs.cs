namespace FunctionsWorker.Inference;

/// <summary>
/// Dummy inputs for the warm-up run, shaped as the model declares them. Dynamic dimensions get small sizes: 1 for the
/// batch, 3 channels, 64 pixels; a text-line recogniser (fixed height of at most 64, dynamic width) gets width 320.
/// </summary>
internal static class WarmupInputs
{
    private const int SpatialSize = 64;
    private const int TextLineWidth = 320;
    private const int TextLineMaxHeight = 64;
    private const float Fill = 0.5f;

    public static Dictionary<string, TensorData> Create(IReadOnlyDictionary<string, int[]> inputs) =>
        inputs.ToDictionary(input => input.Key, input =>
        {
            var shape = Shape(input.Value);
            var tensor = TensorData.Create(shape);
            Array.Fill(tensor.Data, Fill);
            return tensor;
        });

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
