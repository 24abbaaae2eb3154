using FunctionsWorker.Health;
using FunctionsWorker.Hosting;
using FunctionsWorker.Pipelines;

namespace FunctionsWorker.Bench;

/// <summary>
/// The worker exactly as Program.cs composes it (<c>FunctionsWorkerHost.AddFunctionsWorker</c>) with the bench's
/// settings in memory: the OCR models from node_modules, a loopback port chosen by the OS, warnings-only logging.
/// </summary>
internal static class WorkerComposition
{
    public const string QueueName = "bench-jobs";
    public const string TableName = "benchjobs";

    /// <summary>App settings that enable the <c>ocr</c> pipeline on the PP-OCRv4 models installed by npm.</summary>
    public static Dictionary<string, string?> OcrSettings() => new()
    {
        ["Pipelines:Ocr:Enabled"] = "true",
        ["Models:ocr-det:Source"] = "file://" + Path.Combine(RepositoryPaths.Models, "ch_PP-OCRv4_det_infer.onnx"),
        ["Models:ocr-rec:Source"] = "file://" + Path.Combine(RepositoryPaths.Models, "ch_PP-OCRv4_rec_infer.onnx"),
        ["Models:ocr-dict:Source"] = "file://" + Path.Combine(RepositoryPaths.Models, "ppocr_keys_v1.txt"),
        ["Inference:ModelCacheDirectory"] = Path.Combine(Path.GetTempPath(), "functions-worker-bench-models"),
    };

    /// <summary>
    /// Fixes how many jobs the worker runs at once: host.json's static <c>batchSize</c> 1 and <c>newBatchThreshold</c>
    /// n - 1, with dynamic concurrency (on by default) off, which would otherwise ignore both.
    /// </summary>
    public static void AtMostJobsAtOnce(IDictionary<string, string?> settings, int jobs)
    {
        settings["AzureFunctionsJobHost:concurrency:dynamicConcurrencyEnabled"] = "false";
        settings["AzureFunctionsJobHost:extensions:queues:batchSize"] = "1";
        settings["AzureFunctionsJobHost:extensions:queues:newBatchThreshold"] = (jobs - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A builder over a fresh content root holding only the repository's host.json (so a developer's
    /// local.settings.json never leaks into the numbers), with <paramref name="settings"/> layered over it.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string storageConnectionString, IDictionary<string, string?> settings)
    {
        var contentRoot = Directory.CreateTempSubdirectory("worker-bench-").FullName;
        File.Copy(RepositoryPaths.HostJson, Path.Combine(contentRoot, "host.json"));
        var builder = FunctionsWorkerHost.CreateBuilder(new WebApplicationOptions { ContentRootPath = contentRoot, EnvironmentName = "Production" });

        // Layered after host.json and the environment, so these win.
        var all = new Dictionary<string, string?>(OcrSettings())
        {
            ["AzureWebJobsStorage"] = storageConnectionString,
            ["JobsQueueName"] = QueueName,
            ["JobsTableName"] = TableName,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        builder.AddFunctionsWorker(all);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        return builder;
    }

    /// <summary>
    /// Runs every warm-up task, as the worker does before it fetches. The app is not started: only its services are
    /// used, so no listener polls and no HTTP server competes for the cores.
    /// </summary>
    public static async Task WarmAsync(WebApplication app, CancellationToken cancellationToken)
    {
        foreach (var task in app.Services.GetServices<IWarmupTask>())
        {
            await task.WarmAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The composition's <c>ocr</c> pipeline.</summary>
    public static IPipeline OcrPipeline(IServiceProvider services) => services.GetServices<IPipeline>().Single(p => p.Name == "ocr");
}
