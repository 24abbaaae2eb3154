using SkiaSharp;

namespace FunctionsWorker.Imaging;

/// <summary>A decoded, upright RGBA image and its share of the <see cref="MemoryBudget"/>; disposing frees both.</summary>
public sealed class DecodedImage : IDisposable
{
    private readonly MemoryReservation _reservation;

    internal DecodedImage(SKBitmap bitmap, MemoryReservation reservation)
    {
        Bitmap = bitmap;
        _reservation = reservation;
    }

    public SKBitmap Bitmap { get; }

    /// <summary>Bytes held in the budget for this image and the working buffers its pipeline declared.</summary>
    public long ReservedBytes => _reservation.Bytes;

    public void Dispose()
    {
        Bitmap.Dispose();
        _reservation.Dispose();
    }
}
