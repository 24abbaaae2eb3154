namespace FunctionsWorker.Inference;

/// <summary>What <see cref="GraphFolder"/> rewrote in one model: each count is a group of nodes that became fewer.</summary>
internal readonly record struct GraphFolds(int ConvAffine, int HardSwish, int PointwiseAffine, int DepthwiseAffine)
{
    public int Total => ConvAffine + HardSwish + PointwiseAffine + DepthwiseAffine;
}
