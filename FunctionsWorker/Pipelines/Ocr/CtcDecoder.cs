using System.Numerics.Tensors;
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
        var characters = DecodeCharacters(probabilities, steps, classes, dictionary);
        var text = new StringBuilder();
        foreach (var character in characters)
        {
            text.Append(character.Text);
        }

        return (text.ToString(), Confidence(characters));
    }

    /// <summary>The kept characters in order, each with the time steps it covers.</summary>
    public static List<CtcCharacter> DecodeCharacters(ReadOnlySpan<float> probabilities, int steps, int classes, CharacterDictionary dictionary)
    {
        if (probabilities.Length < steps * classes)
        {
            throw new ArgumentException($"Expected {steps}x{classes} probabilities, got {probabilities.Length}.", nameof(probabilities));
        }

        var characters = new List<CtcCharacter>();
        var space = new float[steps];
        var previous = -1;
        for (var t = 0; t < steps; t++)
        {
            var row = probabilities.Slice(t * classes, classes);
            space[t] = dictionary.SpaceClass < row.Length ? row[dictionary.SpaceClass] : 0f;
            // Vectorised: a step is 6625 classes for the Chinese dictionary.
            var best = Math.Max(0, TensorPrimitives.IndexOfMax(row));

            if (best != 0 && best < dictionary.ClassCount)
            {
                if (best != previous)
                {
                    characters.Add(new CtcCharacter(dictionary[best], t, t, row[best]));
                }
                else
                {
                    // A repeat extends the run: its end is where the character stops in the strip.
                    characters[^1] = characters[^1] with { LastStep = t };
                }
            }

            previous = best;
        }

        for (var i = 1; i < characters.Count; i++)
        {
            var hint = 0f;
            for (var t = characters[i - 1].FirstStep; t <= characters[i].LastStep; t++)
            {
                hint = Math.Max(hint, space[t]);
            }

            characters[i] = characters[i] with { SpaceBefore = hint };
        }

        return characters;
    }

    /// <summary>Mean best probability of the kept characters, 0 when there are none.</summary>
    public static float Confidence(IReadOnlyList<CtcCharacter> characters)
    {
        if (characters.Count == 0)
        {
            return 0f;
        }

        var sum = 0.0;
        foreach (var character in characters)
        {
            sum += character.Probability;
        }

        return (float)(sum / characters.Count);
    }
}
