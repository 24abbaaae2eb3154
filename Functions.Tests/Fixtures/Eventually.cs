namespace Functions.Tests.Fixtures;

/// <summary>Polls an observable condition until it holds or the time is up.</summary>
public static class Eventually
{
    public static async Task HoldsAsync(Func<Task<bool>> condition, int seconds = 30)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (!await condition())
        {
            await Task.Delay(100, cts.Token);
        }
    }
}
