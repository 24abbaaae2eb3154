using System.ComponentModel.DataAnnotations;

namespace FunctionsWorker.Imaging;

/// <summary>Limits every pipeline applies to input images (section <c>Imaging</c>).</summary>
public sealed class ImagingOptions
{
    public const string SectionName = "Imaging";

    /// <summary>Largest input blob accepted, in bytes (default 32 MiB).</summary>
    [Range(1, long.MaxValue, ErrorMessage = "Imaging:MaxInputBytes must be at least 1.")]
    public long MaxInputBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Largest decoded image, in pixels, checked from the header before any pixel is decoded (default 40 MP).</summary>
    [Range(1, long.MaxValue, ErrorMessage = "Imaging:MaxPixels must be at least 1.")]
    public long MaxPixels { get; set; } = 40_000_000;

    /// <summary>
    /// Bytes that decoded images and the buffers pipelines declare beside them may hold at once, across all jobs
    /// (default a quarter of the memory the runtime may use: the container limit, else the machine's memory).
    /// </summary>
    [Range(1024 * 1024, long.MaxValue, ErrorMessage = "Imaging:MemoryBudgetBytes must be at least 1048576 (1 MiB).")]
    public long MemoryBudgetBytes { get; set; } = Math.Max(1024 * 1024, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);
}
