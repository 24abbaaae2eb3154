namespace FunctionsWorker.Pipelines.Image;

/// <summary>How an image tensor is laid out; only planar NCHW for now (what exported PyTorch and Paddle models use).</summary>
public enum TensorLayout
{
    Nchw,
}
