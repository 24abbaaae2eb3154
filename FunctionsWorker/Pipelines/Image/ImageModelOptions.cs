namespace FunctionsWorker.Pipelines.Image;

/// <summary>How the <c>image</c> pipeline feeds one catalog model (section <c>Pipelines:Image:Models:&lt;name&gt;</c>).</summary>
public sealed class ImageModelOptions
{
    /// <summary>Fixed model input as <c>WIDTHxHEIGHT</c> (e.g. <c>512x512</c>); absent = the model's declared size, else dynamic.</summary>
    public string? InputSize { get; set; }

    /// <summary>Dynamic input only: width and height are rounded to a multiple of this (e.g. 8 or 32 for U-Nets).</summary>
    public int SizeMultiple { get; set; } = 1;

    /// <summary>Dynamic input only: longest side, in pixels, the model sees; larger images are scaled down (never up).</summary>
    public int MaxSide { get; set; } = 2048;

    /// <summary>Per-channel mean subtracted from values scaled to [0,1], in model channel order; absent = 0,0,0.</summary>
    public float[]? Mean { get; set; }

    /// <summary>Per-channel divisor after the mean, in model channel order; absent = 1,1,1.</summary>
    public float[]? Std { get; set; }

    public ChannelOrder ChannelOrder { get; set; } = ChannelOrder.Rgb;

    public TensorLayout Layout { get; set; } = TensorLayout.Nchw;

    public ImageOutputKind Output { get; set; } = ImageOutputKind.Image;

    /// <summary>Image output: the model's value for full intensity (1 for [0,1] outputs, 255 for [0,255]); values are divided by it, then clamped to [0,1].</summary>
    public float OutputScale { get; set; } = 1f;

    /// <summary>Image output: resize the model's output back to the input image's size (false keeps e.g. a super-resolution result's size).</summary>
    public bool ResizeToInput { get; set; } = true;
}
