using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FunctionsWorker.Cli;

/// <summary>GETs the worker's HTTP triggers and maps its answers to the CLI's exit codes.</summary>
internal sealed class WorkerClient(Uri apiBase, string? key)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The JSON body of a 200 answer to <paramref name="path"/> (relative to the route prefix).</summary>
    public async Task<JsonNode> GetAsync(string path, string notFound, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(apiBase, path));
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
            HttpStatusCode.OK => ParseBody(body),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => throw CliException.BadInput(
                $"the worker refused the request ({(int)response.StatusCode}): pass the function key with --key or ${WorkerOptions.KeyVariable}."),
            HttpStatusCode.NotFound => throw CliException.BadInput(notFound),
            _ => throw new CliException(ExitCodes.Unreachable, $"the worker answered {(int)response.StatusCode} {response.ReasonPhrase}."),
        };
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
