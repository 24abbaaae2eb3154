using FunctionsWorker.Pipelines.Ocr;
using Microsoft.Extensions.Options;

namespace Functions.Tests.Unit.Ocr;

/// <summary>How many strips one recognition run carries (<see cref="TextRecognizer.RowsFor"/>), and that readiness warms the batches jobs run.</summary>
public sealed class RecognitionBatchTests
{
    [Theory]
    [InlineData(100, 8, 8)] // 128 px after rounding: 20 would fit, the batch size stops it
    [InlineData(320, 8, 8)]
    [InlineData(321, 8, 7)] // rounded up to 352 px
    [InlineData(608, 8, 4)]
    [InlineData(928, 8, 2)]
    [InlineData(960, 8, 2)]
    [InlineData(1300, 8, 1)] // wider than half the columns: alone
    [InlineData(160, 3, 3)]
    public void RowsFor_FillsTheColumnsBudget_WithinOneAndTheBatchSize(int width, int batchSize, int rows)
    {
        Assert.Equal(rows, TextRecognizer.RowsFor(width, batchSize));
        Assert.True(rows == 1 || rows * TextRecognizer.RoundedWidth(width) <= TextRecognizer.MaxBatchColumns);
    }

    [Fact]
    public void PlanBatches_KeepsNarrowStripsOutOfWideBatches_WhereTheirPaddingCostsMoreThanARun()
    {
        // A receipt's pieces: filled in order, 134 px went into a batch 352 px wide.
        int[] widths = [107, 107, 107, 110, 127, 131, 131, 131, 134, 165, 188, 219, 236, 299, 344, 380, 389, 425, 550, 679];

        var plan = TextRecognizer.PlanBatches(widths, 8);

        // Every piece once, in order, within the rows allowed at the batch's width.
        Assert.Equal(Enumerable.Range(0, widths.Length), plan.SelectMany(b => Enumerable.Range(b.Start, b.Rows)));
        Assert.All(plan, b => Assert.InRange(b.Rows, 1, TextRecognizer.RowsFor(widths[b.Start + b.Rows - 1], 8)));
        var filled = Greedy(widths, 8);
        var padded = plan.Sum(b => b.Rows * TextRecognizer.RoundedWidth(widths[b.Start + b.Rows - 1]));
        var greedy = filled.Sum(b => b.Rows * TextRecognizer.RoundedWidth(widths[b.Start + b.Rows - 1]));
        Assert.True(padded + (plan.Count * TextRecognizer.RunOverheadColumns) < greedy + (filled.Count * TextRecognizer.RunOverheadColumns),
            $"planned {padded} columns in {plan.Count} runs, filled in order {greedy}");
        // No batch pads its narrowest piece to more than twice its width.
        Assert.All(plan, b => Assert.True(TextRecognizer.RoundedWidth(widths[b.Start + b.Rows - 1]) <= 2 * widths[b.Start], $"{widths[b.Start]} px in a {TextRecognizer.RoundedWidth(widths[b.Start + b.Rows - 1])} px batch"));
    }

    [Fact]
    public void PlanBatches_EqualWidths_AreFullBatches_AndNoPiecesNoBatches()
    {
        Assert.Equal([(0, 8), (8, 8), (16, 4)], TextRecognizer.PlanBatches(Enumerable.Repeat(160, 20).ToArray(), 8));
        Assert.Equal([(0, 2), (2, 1)], TextRecognizer.PlanBatches([960, 960, 960], 8));
        Assert.Empty(TextRecognizer.PlanBatches([], 8));
    }

    [Fact]
    public void WarmupShapes_OfTheRecogniser_AreBatchesAJobRuns_TheCommonOneAFullNarrowBatch()
    {
        var options = new OcrOptions();
        var shapes = new OcrWarmupShapes(Options.Create(options))
            .For(options.RecognitionModel, new Dictionary<string, int[]> { ["x"] = [-1, 3, 48, -1] })
            .Select(shape => shape["x"])
            .ToList();

        Assert.Equal([options.RecognitionBatchSize, 3, TextRecognizer.InputHeight, 160], shapes[0]);
        Assert.True(shapes.Count > 5, $"{shapes.Count} shapes");
        // Each is a full batch at its width or a single strip: nothing a job never runs.
        Assert.All(shapes, shape => Assert.True(
            shape[0] == 1 || shape[0] == TextRecognizer.RowsFor(shape[3], options.RecognitionBatchSize),
            $"{shape[0]} rows at {shape[3]} px"));
        Assert.All(shapes, shape => Assert.True(shape[3] <= TextRecognizer.MaxPieceWidth));
    }

    /// <summary>The old rule: fill each batch in order up to its row limit.</summary>
    private static List<(int Start, int Rows)> Greedy(int[] widths, int batchSize)
    {
        var plan = new List<(int Start, int Rows)>();
        for (var start = 0; start < widths.Length;)
        {
            var rows = 1;
            while (start + rows < widths.Length && rows < TextRecognizer.RowsFor(widths[start + rows], batchSize))
            {
                rows++;
            }

            plan.Add((start, rows));
            start += rows;
        }

        return plan;
    }
}
