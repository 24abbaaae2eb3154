using System.Globalization;
using System.Net.Sockets;
using FunctionsWorker.Configuration;
using FunctionsWorker.Triggers.Http;

namespace FunctionsWorker.Hosting;

/// <summary>
/// <c>FunctionsWorker --probe [health|ready]</c>: one GET to the running worker's health or ready trigger, exit code 0 on
/// 200 and 1 otherwise, for a container HEALTHCHECK that needs neither a shell nor curl in the image. It reads the port
/// and route prefix the way the worker does (host.json, local.settings.json, environment) and builds no web host.
/// </summary>
internal static class ProbeCommand
{
    public const string Flag = "--probe";

    public static readonly IReadOnlyList<string> Endpoints = ["health", "ready"];

    // Docker's HEALTHCHECK --timeout counts the process start too; a worker that cannot answer in 2 s is not healthy.
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(2);

    /// <summary>True when the arguments ask for probe mode; <paramref name="endpoint"/> is <c>health</c> unless one is named.</summary>
    public static bool TryGetProbe(string[] args, out string endpoint)
    {
        if (args.Length == 0 || !string.Equals(args[0], Flag, StringComparison.Ordinal))
        {
            endpoint = string.Empty;
            return false;
        }

        endpoint = args.Length > 1 ? args[1] : "health";
        return true;
    }

    /// <summary>Probes the worker listening in this environment and writes one line saying what it found.</summary>
    public static async Task<int> RunAsync(string endpoint, TextWriter output, string? contentRoot = null)
    {
        if (!Endpoints.Contains(endpoint, StringComparer.Ordinal))
        {
            await output.WriteLineAsync($"usage: FunctionsWorker {Flag} [{string.Join('|', Endpoints)}]").ConfigureAwait(false);
            return 1;
        }

        Uri uri;
        try
        {
            uri = ProbeUri(endpoint, contentRoot ?? Directory.GetCurrentDirectory());
        }
        catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException or System.Text.Json.JsonException)
        {
            // A broken PORT or host.json: the worker itself would not start, so the probe fails and says why.
            await output.WriteLineAsync($"{endpoint} probe: configuration error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        var started = TimeProvider.System.GetTimestamp();
        using var handler = new SocketsHttpHandler { UseProxy = false, ConnectTimeout = RequestTimeout };
        using var client = new HttpClient(handler) { Timeout = RequestTimeout };
        try
        {
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{endpoint} probe: GET {uri} -> {status} in {(long)TimeProvider.System.GetElapsedTime(started).TotalMilliseconds} ms")).ConfigureAwait(false);
            return status == 200 ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or SocketException)
        {
            var reason = ex is TaskCanceledException ? $"no answer within {RequestTimeout.TotalSeconds:0} s" : ex.Message;
            await output.WriteLineAsync($"{endpoint} probe: GET {uri} failed: {reason}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>http://127.0.0.1:{port}/{routePrefix}/{endpoint}, with the worker's own port and prefix resolution.</summary>
    internal static Uri ProbeUri(string endpoint, string contentRoot)
    {
        var configuration = new ConfigurationBuilder();
        configuration.AddFunctionsConfiguration(contentRoot);
        var settings = configuration.Build();
        var http = new HttpOptions();
        settings.GetSection(HttpOptions.SectionName).Bind(http);
        var prefix = http.RoutePrefix.Trim('/');
        var path = prefix.Length == 0 ? endpoint : $"{prefix}/{endpoint}";
        return new Uri(string.Create(CultureInfo.InvariantCulture,
            $"http://127.0.0.1:{FunctionsConfiguration.ResolvePort(settings)}/{path}"));
    }
}
