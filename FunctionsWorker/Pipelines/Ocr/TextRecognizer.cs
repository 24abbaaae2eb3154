using SkiaSharp;
using FunctionsWorker.Errors;
using FunctionsWorker.Inference;

namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>
/// Reads text strips with the PP-OCR CTC model: height 48, ratio kept, values in [-1, 1], the blank beyond
/// <see cref="InkMargin"/> either side of the ink left out. Strips longer than
/// <see cref="MaxPieceWidth"/> are read in pieces cut at word gaps; pieces go in batches of similar width as wide as
/// their widest (rounded up to <see cref="WidthStep"/>), split where padding would cost more than another run
/// (<see cref="PlanBatches"/>).
/// </summary>
internal sealed class TextRecognizer(CharacterDictionary dictionary, int batchSize)
{
    public const int InputHeight = 48;

    /// <summary>Batch widths are rounded up to this: a few more shapes than exact widths would give, for a few columns of padding.</summary>
    public const int WidthStep = 32;

    /// <summary>
    /// Widest piece read at once. The model's cost per column is flat up to about 1100 columns and nearly doubles by
    /// 2100 (its global mixing grows with the square of the width), so a long line costs less as pieces; the cost
    /// table is in the bench's shapes report.
    /// </summary>
    public const int MaxPieceWidth = 960;

    /// <summary>
    /// Most columns (rows times width) one run carries. A run's cost per column is lowest between about 1300 and 2800
    /// columns and rises past that (6 rows at 928 px cost 1.3-1.4x what 2 or 3 rows did per column), so wide pieces go
    /// a few at a time and narrow ones many at a time.
    /// </summary>
    public const int MaxBatchColumns = 2560;

    /// <summary>
    /// What a run costs beyond its columns, in columns: one row at 160 px costs about 1.2 ms more per row than eight
    /// rows do, some 60-80 columns' time (bench folding report).
    /// </summary>
    public const int RunOverheadColumns = 64;

    /// <summary>
    /// Blank columns read either side of a strip's ink. The detector's unclip grows a box by about 0.75 of the text height
    /// each side, some 14 px of a 48 px strip, and the model reads blank at full cost: a third of a short word's columns.
    /// 10, 12 and 16 read the scoring and tuning sets as the whole strip does; 8 lost two characters.
    /// </summary>
    public const int InkMargin = 12;

    /// <summary>Columns per CTC time step of the PP-OCR recognisers; cuts fall on multiples of it.</summary>
    private const int StepPixels = 8;

    public async Task<(string Text, float Confidence)[]> RecognizeAsync(
        ModelRunner runner, IReadOnlyList<SKBitmap> strips, CancellationToken cancellationToken)
    {
        var scaled = new List<ScaledStrip>(strips.Count);
        try
        {
            foreach (var strip in strips)
            {
                scaled.Add(ScaledStrip.From(strip, InputHeight));
            }

            var pieces = scaled
                .SelectMany((strip, line) => strip.Split(MaxPieceWidth, StepPixels, InkMargin).Select((piece, i) => new Piece(line, piece.Offset, piece.Width, Continues: i > 0)))
                .OrderBy(piece => piece.Width)
                .ToArray();
            var read = scaled.Select(_ => new List<CtcCharacter>()).ToArray();
            var pixelsPerStep = (float)StepPixels;
            foreach (var (start, rows) in PlanBatches(pieces.Select(piece => piece.Width).ToArray(), batchSize))
            {
                var batch = pieces.AsSpan(start, rows).ToArray();
                var input = Pack(scaled, batch);
                var outputs = await runner.RunAsync(new Dictionary<string, TensorData> { [runner.Inputs.Keys.First()] = input }, cancellationToken)
                    .ConfigureAwait(false);

                // Output is [N, T, classes] softmax probabilities.
                var output = outputs[runner.Outputs[0]];
                var (steps, classes) = (output.Shape[1], output.Shape[2]);
                if (classes != dictionary.ClassCount)
                {
                    throw new WorkerFaultException("ocr-dictionary-mismatch",
                        $"The recognition model outputs {classes} classes but the dictionary has {dictionary.ClassCount} (blank and space included).");
                }

                pixelsPerStep = input.Shape[3] / (float)steps;
                for (var n = 0; n < batch.Length; n++)
                {
                    var characters = CtcDecoder.DecodeCharacters(output.Data.AsSpan(n * steps * classes, steps * classes), steps, classes, dictionary);
                    read[batch[n].Line].AddRange(Place(characters, batch[n], pixelsPerStep));
                }
            }

            var results = new (string Text, float Confidence)[strips.Count];
            for (var line = 0; line < results.Length; line++)
            {
                var characters = read[line].OrderBy(character => character.FirstStep).ToList();
                results[line] = (WordGapSpacer.Join(characters, pixelsPerStep, scaled[line].Ink, InputHeight), CtcDecoder.Confidence(characters));
            }

            return results;
        }
        finally
        {
            foreach (var strip in scaled)
            {
                strip.Dispose();
            }
        }
    }

    /// <summary>
    /// Batches for pieces of <paramref name="widths"/> (ascending), as runs of consecutive pieces: the split that costs
    /// least, counting each run as <see cref="RunOverheadColumns"/> plus its rows times its rounded width, with at most
    /// <see cref="RowsFor"/> rows. Filling batches in order instead would pad a 134 px strip to the 352 px of another
    /// (a receipt ran 1.36x its strips' columns that way).
    /// </summary>
    public static List<(int Start, int Rows)> PlanBatches(IReadOnlyList<int> widths, int batchSize)
    {
        // cost[j]: the cheapest plan for the first j pieces; rows[j]: the rows of its last batch.
        var cost = new long[widths.Count + 1];
        var rows = new int[widths.Count + 1];
        for (var j = 1; j <= widths.Count; j++)
        {
            cost[j] = long.MaxValue;
            var width = RoundedWidth(widths[j - 1]);
            for (var n = 1; n <= Math.Min(j, RowsFor(widths[j - 1], batchSize)); n++)
            {
                var total = cost[j - n] + RunOverheadColumns + ((long)n * width);
                if (total < cost[j])
                {
                    (cost[j], rows[j]) = (total, n);
                }
            }
        }

        var plan = new List<(int Start, int Rows)>();
        for (var j = widths.Count; j > 0; j -= rows[j])
        {
            plan.Add((j - rows[j], rows[j]));
        }

        plan.Reverse();
        return plan;
    }

    /// <summary>Rows a batch as wide as <paramref name="width"/> (before rounding) may hold: <see cref="MaxBatchColumns"/> over it, within 1 and <paramref name="batchSize"/>.</summary>
    public static int RowsFor(int width, int batchSize) => Math.Clamp(MaxBatchColumns / RoundedWidth(width), 1, batchSize);

    /// <summary>The batch width a piece of <paramref name="width"/> columns needs: rounded up to <see cref="WidthStep"/>.</summary>
    public static int RoundedWidth(int width) => (width + WidthStep - 1) / WidthStep * WidthStep;

    /// <summary>
    /// A piece's characters in the whole strip's time steps. A later piece's first character gets the space hint: the
    /// cut lies in a word-sized gap, and the spacer still weighs that gap as it weighs any other.
    /// </summary>
    private static IEnumerable<CtcCharacter> Place(List<CtcCharacter> characters, Piece piece, float pixelsPerStep)
    {
        var shift = (int)MathF.Round(piece.Offset / pixelsPerStep);
        return characters.Select((character, i) => character with
        {
            FirstStep = character.FirstStep + shift,
            LastStep = character.LastStep + shift,
            SpaceBefore = i == 0 && piece.Continues ? 1f : character.SpaceBefore,
        });
    }

    /// <summary>The batch tensor: each piece's columns of its scaled strip, BGR planes, the right padding left at 0 (mid grey).</summary>
    private static TensorData Pack(List<ScaledStrip> scaled, Piece[] batch)
    {
        var width = RoundedWidth(batch.Max(piece => piece.Width));
        var tensor = TensorData.Create([batch.Length, 3, InputHeight, width]);
        var perRow = 3 * InputHeight * width;
        for (var n = 0; n < batch.Length; n++)
        {
            var piece = batch[n];
            var bitmap = scaled[piece.Line].Bitmap;
            BgrPlanes.Symmetric.Write(bitmap.GetPixelSpan(), bitmap.RowBytes, piece.Offset, piece.Width, InputHeight, tensor.Data.AsSpan(n * perRow, perRow), width);
        }

        return tensor;
    }

    /// <param name="Continues">Not the line's first piece: it starts at a cut.</param>
    private readonly record struct Piece(int Line, int Offset, int Width, bool Continues);
}
