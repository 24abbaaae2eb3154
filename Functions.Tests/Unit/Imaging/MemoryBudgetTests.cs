using Microsoft.Extensions.Options;
using SkiaSharp;
using FunctionsWorker.Imaging;

namespace Functions.Tests.Unit.Imaging;

/// <summary>The budget decoded images wait on: first come first served, never deadlocked, nothing leaked.</summary>
public sealed class MemoryBudgetTests
{
    [Fact]
    public async Task Reservations_WithinTheBudget_AreGrantedAtOnce_AndDisposalReleases()
    {
        var budget = new MemoryBudget(100);

        var first = await budget.ReserveAsync(60, CancellationToken.None);
        var second = await budget.ReserveAsync(40, CancellationToken.None);
        Assert.Equal(100, budget.ReservedBytes);

        first.Dispose();
        first.Dispose();
        Assert.Equal(40, budget.ReservedBytes);
        second.Dispose();
        Assert.Equal(0, budget.ReservedBytes);
    }

    [Fact]
    public async Task Waiters_AreAdmittedInArrivalOrder_EvenWhenALaterOneWouldFit()
    {
        var budget = new MemoryBudget(100);
        var held = await budget.ReserveAsync(90, CancellationToken.None);

        var big = budget.ReserveAsync(50, CancellationToken.None);
        var small = budget.ReserveAsync(5, CancellationToken.None);

        // 5 bytes would fit beside the 90 now, but the 50 came first: no barging past it.
        Assert.False(big.IsCompleted);
        Assert.False(small.IsCompleted);
        Assert.Equal(2, budget.WaitingCount);

        held.Dispose();
        using var bigReservation = await big;
        using var smallReservation = await small;
        Assert.Equal(55, budget.ReservedBytes);
        Assert.Equal(0, budget.WaitingCount);
    }

    [Fact]
    public async Task RequestLargerThanTheWholeBudget_RunsAlone_WhenNothingElseHoldsMemory()
    {
        var budget = new MemoryBudget(100);
        var held = await budget.ReserveAsync(10, CancellationToken.None);

        var oversized = budget.ReserveAsync(1_000, CancellationToken.None);
        var after = budget.ReserveAsync(1, CancellationToken.None);
        Assert.False(oversized.IsCompleted);

        held.Dispose();
        var alone = await oversized;
        Assert.Equal(1_000, budget.ReservedBytes);
        Assert.False(after.IsCompleted);

        alone.Dispose();
        (await after).Dispose();
        Assert.Equal(0, budget.ReservedBytes);
    }

    [Fact]
    public async Task CancelledWait_HoldsNothing_AndLetsTheNextWaiterIn()
    {
        var budget = new MemoryBudget(100);
        var held = await budget.ReserveAsync(60, CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var blocked = budget.ReserveAsync(80, cancel.Token);
        var behind = budget.ReserveAsync(30, CancellationToken.None);
        Assert.False(behind.IsCompleted);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);
        // The cancelled head no longer blocks the 30 that fits beside the 60.
        using var admitted = await behind;
        Assert.Equal(90, budget.ReservedBytes);
        held.Dispose();
        Assert.Equal(30, budget.ReservedBytes);
        Assert.Equal(0, budget.WaitingCount);
    }

    [Fact]
    public async Task AlreadyCancelledToken_ReservesNothing()
    {
        var budget = new MemoryBudget(100);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => budget.ReserveAsync(10, new CancellationToken(canceled: true)));

        Assert.Equal(0, budget.ReservedBytes);
    }

    [Fact]
    public async Task ManyWaitersReleasingAndCancelling_NeverExceedTheBudget_AndEndAtZero()
    {
        var budget = new MemoryBudget(1_000);
        var peak = 0L;
        var tasks = Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            using var cancel = new CancellationTokenSource(i % 7 == 0 ? TimeSpan.FromMilliseconds(1) : Timeout.InfiniteTimeSpan);
            try
            {
                using var reservation = await budget.ReserveAsync(50 + (i % 10 * 40), cancel.Token);
                InterlockedMax(ref peak, budget.ReservedBytes);
                await Task.Yield();
            }
            catch (OperationCanceledException)
            {
                // Expected for the waits given a short timeout.
            }
        })).ToArray();

        await Task.WhenAll(tasks);

        Assert.InRange(Interlocked.Read(ref peak), 1, 1_000);
        Assert.Equal(0, budget.ReservedBytes);
        Assert.Equal(0, budget.WaitingCount);
    }

    [Fact]
    public async Task ConcurrentDecodesOfABigImage_NeverHoldMoreThanTheBudget()
    {
        // 1500x1500 RGBA is 9 MB decoded; a 20 MB budget admits two at a time out of eight.
        using var image = new SKBitmap(1500, 1500);
        image.Erase(SKColors.Teal);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        var input = BinaryData.FromBytes(png.ToArray());
        var budget = new MemoryBudget(20_000_000);
        var decoder = new ImageDecoder(Options.Create(new ImagingOptions()), budget);
        var peak = 0L;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            using var decoded = await decoder.DecodeAsync(input, (w, h) => (long)w * h, CancellationToken.None);
            Assert.Equal(1500, decoded.Bitmap.Width);
            InterlockedMax(ref peak, budget.ReservedBytes);
            Assert.InRange(decoded.ReservedBytes, 1500L * 1500 * 5, 1500L * 1500 * 5 + input.ToMemory().Length);
            await Task.Delay(20);
        })));

        Assert.InRange(Interlocked.Read(ref peak), 1500L * 1500 * 5, budget.CapacityBytes);
        Assert.Equal(0, budget.ReservedBytes);
    }

    [Fact]
    public async Task FailedDecode_ReleasesItsReservation()
    {
        var budget = new MemoryBudget(100_000_000);
        var decoder = new ImageDecoder(Options.Create(new ImagingOptions()), budget);
        using var noise = new SKBitmap(256, 256);
        var pixels = new byte[256 * 256 * 4];
        new Random(3).NextBytes(pixels);
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, noise.GetPixels(), pixels.Length);
        using var data = noise.Encode(SKEncodedImageFormat.Png, 100);
        var png = data.ToArray();

        // Cut inside the pixel data: the header passes, the reservation is made, the decode fails.
        var error = await Assert.ThrowsAsync<FunctionsWorker.Errors.InvalidJobException>(() => decoder.DecodeAsync(BinaryData.FromBytes(png[..(png.Length / 2)]), CancellationToken.None));

        Assert.Equal("image-undecodable", error.ErrorType);

        Assert.Equal(0, budget.ReservedBytes);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
