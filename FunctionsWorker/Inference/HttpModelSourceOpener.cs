using System.Net;

namespace FunctionsWorker.Inference;

/// <summary>
/// Streams <c>https://</c> sources (a blob SAS URL, a release asset) with a GET; registered for <c>http</c> too, which
/// <see cref="ModelSource"/> accepts only for a loopback host. Errors name the address without its query (the SAS).
/// </summary>
internal sealed class HttpModelSourceOpener(string scheme, IHttpClientFactory clients) : IModelSourceOpener
{
    /// <summary>The named client's name, so a host can configure its handler (proxy, timeout).</summary>
    public const string ClientName = "model-sources";

    public string Scheme { get; } = scheme;

    public async Task<ModelDownload> OpenAsync(ModelSource source, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(ClientName);
        HttpResponseMessage response;
        try
        {
            response = await client.GetAsync(source.Url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new ModelLoadException("model-source-unavailable", $"{source} could not be read: {ex.HttpRequestError}", retryable: true, ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ModelLoadException("model-source-unavailable", $"{source} did not answer within {client.Timeout.TotalSeconds:F0} s", retryable: true, ex);
        }

        if (response.IsSuccessStatusCode)
        {
            var content = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new ModelDownload(content, response.Content.Headers.ContentLength, response);
        }

        response.Dispose();

        // 404 may pass (uploaded later); 401/403 usually mean an expired SAS, which a new setting fixes, but a retry is cheap.
        throw new ModelLoadException(
            response.StatusCode == HttpStatusCode.NotFound ? "model-source-missing" : "model-source-unavailable",
            $"{source} answered {(int)response.StatusCode} {response.ReasonPhrase}",
            retryable: true);
    }
}
