using Microsoft.Extensions.Options;
using FunctionsWorker.Inference;

namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>
/// The shapes the <c>ocr</c> pipeline runs its models with, most common first (<see cref="IModelWarmupShapes"/>): the
/// model cache settles the first before the model is Ready and warms the rest in the background while the model is
/// idle. The detector's first is a portrait page at 640 px (or <c>MaxSide</c> when smaller), then the largest pages the
/// limit allows; the recogniser's a full batch at the narrowest width, then full and one-row batches at wider ones.
/// </summary>
internal sealed class OcrWarmupShapes(IOptions<OcrOptions> options) : IModelWarmupShapes
{
    /// <summary>Long side of the shape readiness waits for: the bench's receipts, labels and screenshots are near it.</summary>
    private const int CommonSide = 640;

    /// <summary>Page shapes (width, height per unit) warmed in the background at <c>MaxSide</c>: A4 and 4:3 both ways, square, 16:9.</summary>
    private static readonly (double Width, double Height)[] PageAspects = [(1, 1.414), (1.414, 1), (3, 4), (4, 3), (1, 1), (16, 9)];

    /// <summary>Recognition widths warmed in the background, up to the widest piece (<see cref="TextRecognizer.MaxPieceWidth"/>).</summary>
    private static readonly int[] RecognitionWidths = [960, 640, 480, 320, 160];

    public IEnumerable<IReadOnlyDictionary<string, int[]>> For(string modelName, IReadOnlyDictionary<string, int[]> declaredInputs)
    {
        var ocr = options.Value;
        if (declaredInputs.Count != 1)
        {
            return [];
        }

        var input = declaredInputs.Keys.First();
        if (string.Equals(modelName, ocr.DetectionModel, StringComparison.OrdinalIgnoreCase))
        {
            var common = DetectionSize.Compute(CommonSide * 3 / 4, CommonSide, Math.Min(CommonSide, ocr.MaxSide));
            // Largest first after the common one: the session's memory arena grows once to its peak, not at every step.
            var pages = PageAspects
                .Select(a => DetectionSize.Compute((int)(a.Width * 1000), (int)(a.Height * 1000), ocr.MaxSide))
                .Where(s => s != common)
                .Distinct()
                .OrderByDescending(s => s.Width * s.Height);
            return new[] { common }.Concat(pages).Select(s => Shape(input, [1, 3, s.Height, s.Width]));
        }

        if (string.Equals(modelName, ocr.RecognitionModel, StringComparison.OrdinalIgnoreCase))
        {
            var common = (Count: TextRecognizer.RowsFor(RecognitionWidths[^1], ocr.RecognitionBatchSize), Width: RecognitionWidths[^1]);
            var rest = RecognitionWidths
                .SelectMany(width => new[] { (Count: TextRecognizer.RowsFor(width, ocr.RecognitionBatchSize), Width: width), (Count: 1, Width: width) })
                .Where(s => s != common)
                .Distinct()
                .OrderByDescending(s => s.Count * s.Width);
            return new[] { common }.Concat(rest)
                .Select(s => Shape(input, [s.Count, 3, TextRecognizer.InputHeight, s.Width]));
        }

        if (!string.IsNullOrEmpty(ocr.Classifier) && string.Equals(modelName, ocr.Classifier, StringComparison.OrdinalIgnoreCase))
        {
            return [Shape(input, [ocr.RecognitionBatchSize, 3, TextDirectionClassifier.InputHeight, TextDirectionClassifier.InputWidth])];
        }

        return [];
    }

    private static Dictionary<string, int[]> Shape(string input, int[] shape) => new() { [input] = shape };
}
