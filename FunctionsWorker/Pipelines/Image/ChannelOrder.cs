namespace FunctionsWorker.Pipelines.Image;

/// <summary>The order of the colour planes a model reads and writes.</summary>
public enum ChannelOrder
{
    Rgb,

    /// <summary>OpenCV-trained models: blue plane first.</summary>
    Bgr,
}
