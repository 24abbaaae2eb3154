using Microsoft.Extensions.Logging;

namespace FunctionsWorker.Pipelines.Ocr;

internal static partial class Log
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information,
        Message = "OCR job {JobId}: {Width}x{Height} image, {Lines} lines ({Boxes} boxes) in {ElapsedMs} ms (decode {DecodeMs}, detect {DetectMs}, recognize {RecognizeMs}, encode {EncodeMs})")]
    public static partial void OcrCompleted(ILogger logger, string jobId, int width, int height, int lines, int boxes,
        long elapsedMs, long decodeMs, long detectMs, long recognizeMs, long encodeMs);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "OCR dictionary loaded from {Path}: {Classes} classes")]
    public static partial void DictionaryLoaded(ILogger logger, string path, int classes);
}
