using Microsoft.Extensions.Time.Testing;

namespace Functions.Tests.Fixtures;

/// <summary>Moves a fake clock in small steps, letting background loops register their next timer between steps.</summary>
public static class FakeClock
{
    /// <summary>Advances a second at a time until <paramref name="condition"/> holds; returns the fake time that took.</summary>
    public static async Task<TimeSpan> AdvanceUntilAsync(this FakeTimeProvider time, Func<bool> condition, TimeSpan limit)
    {
        var waited = TimeSpan.Zero;
        while (!condition())
        {
            Assert.True(waited < limit, $"the condition did not hold within {limit} of fake time");
            await Task.Delay(20);
            time.Advance(TimeSpan.FromSeconds(1));
            waited += TimeSpan.FromSeconds(1);
        }

        return waited;
    }
}
