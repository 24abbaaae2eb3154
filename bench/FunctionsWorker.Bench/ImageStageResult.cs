namespace FunctionsWorker.Bench;

/// <summary>The in-process OCR pipeline on one image: lines found, characters read (whitespace aside), the median of each stage, percentiles of the total, and every measured run.</summary>
internal sealed record ImageStageResult(string Image, int Width, int Height, int Lines, int Characters, StageTimings Median, LatencyPercentiles Latency, IReadOnlyList<StageTimings> Runs);
