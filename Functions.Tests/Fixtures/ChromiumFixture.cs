using Microsoft.Playwright;

namespace Functions.Tests.Fixtures;

/// <summary>
/// One headless Chromium for the dashboard tests, driven by Playwright: the distribution's <c>chromium</c> package
/// (scripts/test.sh installs it), launched by path, so no browser is ever downloaded. <c>CHROMIUM_PATH</c> points
/// elsewhere.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public static string ExecutablePath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {ExecutablePath}: run scripts/test.sh (it installs the 'chromium' package) or apt-get install chromium.");
        }

        // The driver would otherwise offer to fetch its own browser build; this machine uses the system one.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ExecutablePath, Headless = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
