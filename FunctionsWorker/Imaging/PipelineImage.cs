namespace FunctionsWorker.Imaging;

/// <summary>An encoded image with its content type and file extension.</summary>
public sealed record PipelineImage(BinaryData Content, string ContentType, string Extension);
