namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>
/// One line of text as a reader sees it: the boxes on one text row joined in reading order (a price-list row's label
/// and price, a heading the detector split into words). <see cref="Boxes"/> are indices into the job's box list.
/// </summary>
internal sealed record OcrLine(string Text, float Confidence, TextQuad Box, IReadOnlyList<int> Boxes);
