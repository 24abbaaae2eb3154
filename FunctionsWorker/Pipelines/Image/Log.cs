using Microsoft.Extensions.Logging;

namespace FunctionsWorker.Pipelines.Image;

internal static partial class Log
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Information,
        Message = "Image job {JobId}: model {Model}, {SourceWidth}x{SourceHeight} in, {ModelWidth}x{ModelHeight} to the model, {Width}x{Height} out in {ElapsedMs} ms (inference {InferenceMs})")]
    public static partial void ImageCompleted(ILogger logger, string jobId, string model, int sourceWidth, int sourceHeight,
        int modelWidth, int modelHeight, int width, int height, long elapsedMs, long inferenceMs);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Image pipeline serves {Count} models: {Models}")]
    public static partial void ModelsConfigured(ILogger logger, int count, string models);
}
