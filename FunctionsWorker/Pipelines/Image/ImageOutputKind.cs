namespace FunctionsWorker.Pipelines.Image;

/// <summary>What an image model's first output is and how the pipeline turns it into the output file.</summary>
public enum ImageOutputKind
{
    /// <summary>A [1,3,H,W] image, denormalised with <c>OutputScale</c>.</summary>
    Image,

    /// <summary>A [1,1,H,W] map in [0,1], resized to the input and applied as its alpha channel (background removal).</summary>
    Mask,
}
