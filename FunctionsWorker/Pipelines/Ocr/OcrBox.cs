namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>
/// One detected text box as read: its text, the recogniser's confidence (0-1), where it is in the input image, and
/// whether its strip was read turned half a turn (the direction classifier found it upside down).
/// </summary>
internal sealed record OcrBox(string Text, float Confidence, TextQuad Box, bool Flipped = false);
