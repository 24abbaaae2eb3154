namespace FunctionsWorker.Bench;

/// <summary>One OCR run's stages as the pipeline reports them in <c>timingsMs</c>, plus the wall time of the whole call, in milliseconds.</summary>
internal sealed record StageTimings(double Decode, double Detect, double Recognize, double Encode, double Total)
{
    public static StageTimings Median(IReadOnlyCollection<StageTimings> runs) => new(
        Statistics.Median(runs.Select(r => r.Decode)),
        Statistics.Median(runs.Select(r => r.Detect)),
        Statistics.Median(runs.Select(r => r.Recognize)),
        Statistics.Median(runs.Select(r => r.Encode)),
        Statistics.Median(runs.Select(r => r.Total)));
}
