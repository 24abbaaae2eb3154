namespace FunctionsWorker.Bench;

/// <summary>
/// Section 1: the OCR pipeline alone. <see cref="JobsPerSecond"/> is the sequential rate over the same job list the
/// queue section enqueues (image i mod n), from the per-image median totals. <see cref="FirstJobs"/> is each image's
/// first job on a freshly warmed composition against the runs after it.
/// </summary>
internal sealed record PipelineReport(
    int Runs,
    int WarmupRuns,
    bool Overlay,
    double ModelWarmupMs,
    IReadOnlyList<ImageStageResult> Images,
    int Jobs,
    double JobsPerSecond,
    IReadOnlyList<FirstJobResult> FirstJobs);
