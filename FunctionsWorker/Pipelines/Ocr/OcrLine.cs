namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>One recognised line: its text, the recogniser's confidence (0-1) and where it is in the input image.</summary>
internal sealed record OcrLine(string Text, float Confidence, TextQuad Box);
