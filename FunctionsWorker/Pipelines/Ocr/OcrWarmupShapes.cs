using Microsoft.Extensions.Options;
using FunctionsWorker.Inference;

namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>
/// The shapes the <c>ocr</c> pipeline runs its models with (<see cref="ShapeBuckets"/>), warmed by the model cache
/// before the models are Ready: every detector size up to <c>MaxSide</c>, every recognition batch width and count,
/// and the direction classifier's one shape.
/// </summary>
internal sealed class OcrWarmupShapes(IOptions<OcrOptions> options) : IModelWarmupShapes
{
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
            // Largest first: the session's memory arena grows once to its peak instead of at every step.
            return ShapeBuckets.DetectionShapes(ocr.MaxSide)
                .OrderByDescending(s => s.Width * s.Height)
                .Select(s => Shape(input, [1, 3, s.Height, s.Width]));
        }

        if (string.Equals(modelName, ocr.RecognitionModel, StringComparison.OrdinalIgnoreCase))
        {
            return ShapeBuckets.RecognitionShapes(ocr.RecognitionBatchSize)
                .OrderByDescending(s => s.Count * s.Width)
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
