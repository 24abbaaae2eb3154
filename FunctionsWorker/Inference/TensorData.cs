namespace FunctionsWorker.Inference;

/// <summary>A dense float tensor in row-major order: what pipelines hand to and get back from a model runner.</summary>
public sealed record TensorData(float[] Data, int[] Shape)
{
    public static TensorData Create(int[] shape) => new(new float[ElementCount(shape)], shape);

    public static int ElementCount(IReadOnlyList<int> shape)
    {
        var count = 1;
        foreach (var dimension in shape)
        {
            count = checked(count * dimension);
        }

        return count;
    }
}
