using System.Text;

namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>Greedy CTC decoding: best class per time step, repeats collapsed, blanks removed.</summary>
internal static class CtcDecoder
{
    /// <summary>
    /// Decodes one sequence of <paramref name="steps"/> x <paramref name="classes"/> probabilities (row-major);
    /// the confidence is the mean of the kept steps' best probabilities, 0 when nothing is kept.
    /// </summary>
    public static (string Text, float Confidence) Decode(ReadOnlySpan<float> probabilities, int steps, int classes, CharacterDictionary dictionary)
    {
        if (probabilities.Length < steps * classes)
        {
            throw new ArgumentException($"Expected {steps}x{classes} probabilities, got {probabilities.Length}.", nameof(probabilities));
        }

        var text = new StringBuilder();
        var sum = 0.0;
        var kept = 0;
        var previous = -1;
        for (var t = 0; t < steps; t++)
        {
            var row = probabilities.Slice(t * classes, classes);
            var best = 0;
            for (var c = 1; c < row.Length; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }

            if (best != 0 && best != previous && best < dictionary.ClassCount)
            {
                text.Append(dictionary[best]);
                sum += row[best];
                kept++;
            }

            previous = best;
        }

        return (text.ToString(), kept == 0 ? 0f : (float)(sum / kept));
    }
}
