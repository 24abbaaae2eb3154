using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Functions.Tests.EndToEnd;

/// <summary>
/// The dashboard in a real browser (headless Chromium through Playwright) against the real worker process and Azurite:
/// what an operator sees and can do, and the key rule from the page's side. The first test also takes the page's two
/// pictures (wide, and on a phone in dark mode) into bin/.../test-output/dashboard; only with
/// <c>UPDATE_DASHBOARD_SCREENSHOTS=1</c> does it write them to docs/dashboard.png and docs/dashboard-phone.png, the
/// README's pictures, after a history of jobs of three pipelines.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DashboardTests(AzuriteFixture azurite, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly float Patience = 20_000;

    [Fact]
    public async Task Dashboard_ShowsTheFleet_AJobsProgressToSucceeded_PoisonWithItsReason_AndReplaysAndCancels()
    {
        var settings = Settings();
        var queue = QueueFor(settings);
        if (UpdateScreenshots)
        {
            // The README's picture shows what the demo's worker has: the OCR models, from the models container.
            settings["Pipelines:Ocr:Enabled"] = "true";
            var assets = Path.Combine(RepositoryPaths.Root, "node_modules", "@gutenye", "ocr-models", "assets");
            foreach (var (name, file) in new[] { ("ocr-det", "ch_PP-OCRv4_det_infer.onnx"), ("ocr-rec", "ch_PP-OCRv4_rec_infer.onnx"), ("ocr-dict", "ppocr_keys_v1.txt") })
            {
                var content = await File.ReadAllBytesAsync(Path.Combine(assets, file));
                await queue.UploadAsync("models", file, content);
                settings[$"Models:{name}:Source"] = $"blob://models/{file}";
                settings[$"Models:{name}:Sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
            }
        }

        await queue.UploadAsync("inputs", "any.bin", [1, 2, 3]);
        await using var worker = WorkerProcess.Start(settings);
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        var errors = CollectErrors(page);

        await OpenAsync(page, worker);
        await Expect(page.Locator("#summary")).ToHaveTextAsync("ready", new() { Timeout = Patience });
        await Expect(page.Locator("#fleet tbody tr .state")).ToHaveTextAsync("ready", new() { Timeout = Patience });

        // A slow job: running with the delay pipeline's stage on its progress bar, then succeeded with its result linked.
        // Six seconds: progress is first recorded 2 s into a job, and the page must catch the stage before it ends.
        await queue.SendAsync(JobQueue.Job("dash-slow", "delay", "any.bin", new JsonObject { ["ms"] = 6000 }));
        var slow = page.Locator("#jobs tr[data-key='dash-slow']");
        await Expect(slow.Locator(".state")).ToHaveTextAsync("Running", new() { Timeout = Patience });
        await Expect(slow.Locator(".progress-cell")).ToContainTextAsync("waiting", new() { Timeout = Patience });
        await Expect(slow.Locator(".state")).ToHaveTextAsync("Succeeded", new() { Timeout = Patience });
        await Expect(slow.Locator(".progress-cell")).ToContainTextAsync("done");
        await slow.ClickAsync();
        await Expect(page.Locator("#detail")).ToBeVisibleAsync();
        await Expect(page.Locator("#detail-fields")).ToContainTextAsync("Succeeded");
        var record = (await queue.GetRecordAsync("dash-slow"))!;
        await Expect(page.Locator("#detail-links a", new() { HasText = "result.json" })).ToHaveAttributeAsync("href", record.GetString("OutputUri"));
        await page.Locator("#detail-close").ClickAsync();

        // A bad message: poisoned with its reason; Replay sends it back, it fails again and returns with the reason.
        await queue.SendRawAsync(JobQueue.Base64("""{"jobId":"dash-bad","pipeline":"delay","input":{"container":"inputs","blob":"missing.bin"}}"""));
        var poisoned = page.Locator("#poison tbody tr", new() { HasText = "dash-bad" });
        await Expect(poisoned.Locator(".reason")).ToContainTextAsync("blob-not-found", new() { Timeout = Patience });
        await Expect(page.Locator("#jobs tr[data-key='dash-bad'] .state")).ToHaveTextAsync("Poisoned", new() { Timeout = Patience });
        await poisoned.Locator("button.replay").ClickAsync();
        await Expect(page.Locator("#toast")).ToContainTextAsync("Replayed 1 message");
        await Expect(poisoned.Locator("td").Nth(3)).ToHaveTextAsync("1", new() { Timeout = Patience });
        await Expect(poisoned.Locator(".reason")).ToContainTextAsync("blob-not-found");
        Assert.Equal(1, (await queue.GetRecordAsync("dash-bad"))!.GetInt32("Replays"));

        // A long job cancelled from its record: the Cancel button asks the API, the row ends Cancelled.
        await queue.SendAsync(JobQueue.Job("dash-cancel", "delay", "any.bin", new JsonObject { ["ms"] = 60_000 }));
        var cancelled = page.Locator("#jobs tr[data-key='dash-cancel']");
        await Expect(cancelled.Locator(".progress-cell")).ToContainTextAsync("waiting", new() { Timeout = Patience });
        await cancelled.Locator("button").ClickAsync();
        await page.Locator("#detail-cancel").ClickAsync();
        await Expect(cancelled.Locator(".state")).ToHaveTextAsync("Cancelled", new() { Timeout = Patience });
        await Expect(page.Locator("#detail-cancel")).ToBeHiddenAsync();
        await page.Locator("#detail-close").ClickAsync();

        await Expect(page.Locator("#overview [data-metric='succeeded'] .value")).ToHaveTextAsync("1");
        await Expect(page.Locator("#queue-chart polyline.queue")).ToHaveCountAsync(1);
        await Expect(page.Locator("#rate-chart rect.succeeded")).ToHaveCountAsync(1, new() { Timeout = Patience });
        Assert.Empty(errors);

        await TakeScreenshotsAsync(page, worker, queue);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Dashboard_IsServedWithItsContentTypesAndPolicy_UnderTheConfiguredRoutePrefix()
    {
        var settings = Settings(("AzureFunctionsJobHost:extensions:http:routePrefix", "fn"));
        await using var worker = WorkerProcess.Start(settings);
        var response = await GetWhenListeningAsync(worker, "/dashboard");
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("data-api=\"/fn\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("text/javascript; charset=utf-8", (await worker.Http.GetAsync("/dashboard/dashboard.js")).Content.Headers.ContentType!.ToString());
        Assert.Equal("text/css; charset=utf-8", (await worker.Http.GetAsync("/dashboard/dashboard.css")).Content.Headers.ContentType!.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await worker.Http.GetAsync("/dashboard/nothing.js")).StatusCode);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/dashboard");
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await worker.Http.SendAsync(again)).StatusCode);

        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var errors = CollectErrors(page);
        await OpenAsync(page, worker);
        await Expect(page.Locator("#summary")).ToHaveTextAsync("ready", new() { Timeout = Patience });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Dashboard_WithAKey_AsksForIt_RefusesAWrongOne_AndAClosedWorkersGeneratedKeyOpensIt()
    {
        var keyed = Settings(("FunctionKey", "dash-k3y"));
        await using (var worker = WorkerProcess.Start(keyed))
        {
            await using var context = await chromium.Browser.NewContextAsync();
            var page = await context.NewPageAsync();
            await OpenAsync(page, worker);
            await Expect(page.Locator("#key-form")).ToBeVisibleAsync(new() { Timeout = Patience });
            await Expect(page.Locator("#key-reason")).ToContainTextAsync("needs its function key");
            await Expect(page.Locator("#fleet tbody tr[data-key]")).ToHaveCountAsync(0);

            await page.Locator("#key-input").FillAsync("wrong");
            await page.Locator("#key-form button").ClickAsync();
            await Expect(page.Locator("#key-reason")).ToContainTextAsync("refused", new() { Timeout = Patience });
            await Expect(page.Locator("#key-form")).ToBeVisibleAsync();
            await Expect(page.Locator("#summary")).ToHaveTextAsync("connecting");

            await page.Locator("#key-input").FillAsync("dash-k3y");
            await page.Locator("#key-form button").ClickAsync();
            await Expect(page.Locator("#summary")).ToHaveTextAsync("ready", new() { Timeout = Patience });
            await Expect(page.Locator("#key-form")).ToBeHiddenAsync();
            Assert.Equal("dash-k3y", await page.EvaluateAsync<string>("sessionStorage.getItem('functions-worker.key')"));
        }

        // Production without a FunctionKey: closed; the page asks, and the key the worker made in azure-webjobs-secrets opens it.
        var hostId = "dash" + Guid.NewGuid().ToString("N")[..12];
        var closed = Settings(("ASPNETCORE_ENVIRONMENT", "Production"), ("DOTNET_ENVIRONMENT", "Production"), ("FunctionKey", ""),
            ("AzureFunctionsWebHost:hostid", hostId));
        await using var production = WorkerProcess.Start(closed);
        await using var second = await chromium.Browser.NewContextAsync();
        var view = await second.NewPageAsync();
        await OpenAsync(view, production);
        await Expect(view.Locator("#key-form")).ToBeVisibleAsync(new() { Timeout = Patience });
        var secrets = (await QueueFor(closed).Blobs.GetBlobContainerClient("azure-webjobs-secrets").GetBlobClient($"{hostId}/host.json").DownloadContentAsync())
            .Value.Content.ToString();
        var generated = JsonNode.Parse(secrets)!["functionKeys"]![0]!["value"]!.GetValue<string>();
        await view.Locator("#key-input").FillAsync(generated);
        await view.Locator("#key-form button").ClickAsync();
        await Expect(view.Locator("#summary")).ToHaveTextAsync("ready", new() { Timeout = Patience });
        Assert.DoesNotContain(generated, production.Output, StringComparison.Ordinal);
    }

    private static bool UpdateScreenshots => Environment.GetEnvironmentVariable("UPDATE_DASHBOARD_SCREENSHOTS") == "1";

    /// <summary>
    /// The page at 1280×900 and on a phone in dark mode, each checked for its layout (a table, or rows as cards on dark)
    /// and saved as a PNG of its size: to docs/ when asked, with a history of jobs first, else to the test output, so a
    /// plain run never rewrites a committed file.
    /// </summary>
    private async Task TakeScreenshotsAsync(IPage page, WorkerProcess worker, JobQueue queue)
    {
        var directory = UpdateScreenshots ? Path.Combine(RepositoryPaths.Root, "docs") : Path.Combine(AppContext.BaseDirectory, "test-output", "dashboard");
        Directory.CreateDirectory(directory);
        var shown = "dash-slow";
        if (UpdateScreenshots)
        {
            await AddHistoryAsync(page, queue);
            shown = "long-1";
        }

        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await Expect(page.Locator("#jobs thead")).ToBeVisibleAsync();
        var wide = Path.Combine(directory, "dashboard.png");
        await page.ScreenshotAsync(new() { Path = wide, FullPage = true });
        AssertPicture(wide, 1280, 900);

        await using var phone = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            ColorScheme = ColorScheme.Dark,
        });
        var small = await phone.NewPageAsync();
        var errors = CollectErrors(small);
        await OpenAsync(small, worker);
        await Expect(small.Locator($"#jobs tr[data-key='{shown}']")).ToBeVisibleAsync(new() { Timeout = Patience });
        if (UpdateScreenshots)
        {
            await Expect(small.Locator("#jobs tr[data-key='long-1'] .progress-cell")).ToContainTextAsync("waiting", new() { Timeout = Patience });
        }

        // Rows become cards on a phone, and the dark scheme's background applies.
        await Expect(small.Locator("#jobs thead")).ToBeHiddenAsync();
        Assert.Equal("rgb(15, 19, 24)", await small.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor"));
        var narrow = Path.Combine(directory, "dashboard-phone.png");
        await small.ScreenshotAsync(new() { Path = narrow });
        AssertPicture(narrow, 390 * 2, 844 * 2);
        Assert.Empty(errors);
    }

    /// <summary>A PNG just written, as wide as the viewport and at least as tall as asked (a full-page picture is taller).</summary>
    private static void AssertPicture(string path, int width, int minHeight)
    {
        using var picture = SkiaSharp.SKBitmap.Decode(path);
        Assert.NotNull(picture);
        Assert.Equal(width, picture.Width);
        Assert.True(picture.Height >= minHeight, $"{path} is {picture.Width}x{picture.Height}, less than {minHeight} tall");
    }

    /// <summary>What the README's picture shows: jobs of three pipelines done, and one still running.</summary>
    private static async Task AddHistoryAsync(IPage page, JobQueue queue)
    {
        await queue.UploadAsync("inputs", "photo.png", TestImages.Png(640, 480));
        await queue.UploadAsync("inputs", "scan.png", TextImageRenderer.Render(["Invoice 2041", "Total 128.40 EUR"], 32, SkiaSharp.SKColors.Black, SkiaSharp.SKColors.White));
        var done = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            await queue.SendAsync(JobQueue.Job($"delay-{i}", "delay", "any.bin", new JsonObject { ["ms"] = 300 + (i * 150) }));
            done.Add($"delay-{i}");
        }

        await queue.SendAsync(JobQueue.Job("thumb-1", "thumbnail", "photo.png", new JsonObject { ["maxSide"] = 128 }));
        await queue.SendAsync(JobQueue.Job("ocr-1", "ocr", "scan.png"));
        done.AddRange(["thumb-1", "ocr-1"]);
        foreach (var jobId in done)
        {
            await queue.WaitForStateAsync(jobId, TimeSpan.FromSeconds(60), "Succeeded");
        }

        await queue.SendAsync(JobQueue.Job("long-1", "delay", "any.bin", new JsonObject { ["ms"] = 60_000 }));
        await queue.WaitForStateAsync("long-1", TimeSpan.FromSeconds(30), "Running");
        await Task.Delay(TimeSpan.FromSeconds(8));
        await page.ReloadAsync();
        await Expect(page.Locator("#jobs tr[data-key='long-1'] .progress-cell")).ToContainTextAsync("waiting", new() { Timeout = Patience });
        await Expect(page.Locator("#jobs tr[data-key='ocr-1'] .state")).ToHaveTextAsync("Succeeded");
    }

    private Dictionary<string, string> Settings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            // A local run, open without a key; a test that wants a key sets FunctionKey.
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["JobsQueueName"] = "dash-" + Guid.NewGuid().ToString("N")[..10],
            ["JobsTableName"] = "dash" + Guid.NewGuid().ToString("N")[..10],
            ["WorkersTableName"] = "dashw" + Guid.NewGuid().ToString("N")[..10],
            ["Pipelines:Delay:Enabled"] = "true",
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.250",
            ["AzureFunctionsJobHost:worker:heartbeatInterval"] = "00:00:01",
            // A cancelled job stops at its next lease renewal, at half the lease.
            ["AzureFunctionsJobHost:worker:leaseDuration"] = "00:00:02",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    private JobQueue QueueFor(Dictionary<string, string> settings) => new(azurite.ConnectionString, settings["JobsQueueName"], settings["JobsTableName"]);

    private static List<string> CollectErrors(IPage page)
    {
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        return errors;
    }

    private static async Task OpenAsync(IPage page, WorkerProcess worker)
    {
        await GetWhenListeningAsync(worker, "/dashboard");
        await page.GotoAsync($"http://127.0.0.1:{worker.Port}/dashboard");
    }

    private static async Task<HttpResponseMessage> GetWhenListeningAsync(WorkerProcess worker, string path)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await worker.Http.GetAsync(path);
            }
            catch (HttpRequestException) when (clock.Elapsed < TimeSpan.FromSeconds(30) && !worker.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }
}
