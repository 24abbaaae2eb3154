using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FunctionsWorker.Cli;

/// <summary>Calls the worker's HTTP triggers and maps its answers to the CLI's exit codes.</summary>
internal sealed class WorkerClient(Uri apiBase, string? key)
{
    private const int MaxDetailLength = 300;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The JSON body of a 200 answer to <paramref name="path"/> (relative to the route prefix).</summary>
    public async Task<JsonNode> GetAsync(string path, string notFound, CancellationToken cancellationToken) =>
        await SendAsync(HttpMethod.Get, path, notFound, cancellationToken)
        ?? throw new CliException(ExitCodes.Unreachable, "the worker answered an empty body.");

    /// <summary>
    /// The JSON body of a 2xx answer to <paramref name="method"/> <paramref name="path"/>, null for 204; every other
    /// answer becomes a <see cref="CliException"/> with one line: <paramref name="notFound"/> for 404, the worker's own
    /// explanation for 400 and 409.
    /// </summary>
    public async Task<JsonNode?> SendAsync(HttpMethod method, string path, string notFound, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = Timeout };
        using var request = new HttpRequestMessage(method, new Uri(apiBase, path));
        // The worker refuses changes without this header (or a key): a page on another site cannot make a browser send it.
        request.Headers.Add("X-Requested-With", "fwjobs");
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        HttpResponseMessage response;
        string body;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException(ExitCodes.Unreachable, $"the worker at {apiBase.GetLeftPart(UriPartial.Authority)} is unreachable: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Unreachable, $"the worker at {apiBase.GetLeftPart(UriPartial.Authority)} did not answer within {Timeout.TotalSeconds:F0} s.");
        }

        using var disposeResponse = response;
        return response.StatusCode switch
        {
            HttpStatusCode.NoContent => null,
            HttpStatusCode.OK or HttpStatusCode.Accepted or HttpStatusCode.Created => ParseBody(body),
            HttpStatusCode.Unauthorized => throw CliException.BadInput(
                $"the worker refused the request (401): pass its function key (app setting FunctionKey, or the default function key in blob " +
                $"azure-webjobs-secrets/<hostId>/host.json of its storage account) with --key or ${WorkerOptions.KeyVariable}."),
            HttpStatusCode.Forbidden => throw CliException.BadInput($"the worker refused the request (403): {Detail(body) ?? "forbidden"}"),
            HttpStatusCode.TooManyRequests => throw new CliException(ExitCodes.Unreachable,
                $"the worker limits requests from this address (429); try again in {response.Headers.RetryAfter?.Delta?.TotalSeconds ?? 60:F0} s."),
            HttpStatusCode.NotFound => throw CliException.BadInput(notFound),
            HttpStatusCode.BadRequest or HttpStatusCode.Conflict => throw CliException.BadInput(
                $"the worker refused the request ({(int)response.StatusCode}): {Detail(body) ?? response.ReasonPhrase}"),
            _ => throw new CliException(ExitCodes.Unreachable,
                $"the worker answered {(int)response.StatusCode} {response.ReasonPhrase}" + (Detail(body) is { } detail ? $": {detail}" : ".")),
        };
    }

    /// <summary>The <c>detail</c> of a problem-details body, on one line and short; null when there is none.</summary>
    public static string? Detail(string body)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject problem && problem["detail"] is JsonValue value && value.TryGetValue(out string? detail) &&
                !string.IsNullOrWhiteSpace(detail))
            {
                var line = string.Join(' ', detail.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                return line.Length <= MaxDetailLength ? line : line[..MaxDetailLength] + "...";
            }
        }
        catch (JsonException)
        {
            // Not problem details (a proxy's HTML page, say): the status code alone has to do.
        }

        return null;
    }

    private static JsonNode ParseBody(string body)
    {
        try
        {
            return JsonNode.Parse(body) ?? throw new CliException(ExitCodes.Unreachable, "the worker answered an empty body.");
        }
        catch (JsonException)
        {
            throw new CliException(ExitCodes.Unreachable, "the worker answered something other than JSON: is --url the worker?");
        }
    }
}
