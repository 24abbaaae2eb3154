using System.Security.Cryptography;
using System.Text;
using FunctionsWorker.Configuration;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Triggers.Http;

/// <summary>
/// The keys in force, closed by default as in Functions: the app setting <c>FunctionKey</c> when set; none in a
/// Development run without it (the routes are open); otherwise the keys of <see cref="HostSecretsStore"/>, read (or
/// created) once and kept. A failed read is tried again by the next request that needs a key.
/// </summary>
internal sealed class FunctionKeys
{
    private readonly HostSecretsStore _store;
    private readonly ILogger<FunctionKeys> _logger;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<string>? _configured;
    private readonly object _gate = new();
    private Task<IReadOnlyList<string>>? _loading;

    public FunctionKeys(IOptions<HttpOptions> options, IHostEnvironment environment, IConfiguration configuration, HostSecretsStore store,
        TimeProvider time, ILogger<FunctionKeys> logger)
    {
        _time = time;
        _store = store;
        _logger = logger;
        _configured = options.Value.FunctionKey is { Length: > 0 } key ? [key] : null;
        Open = _configured is null && FunctionsEnvironment.IsDevelopment(environment, configuration);
    }

    /// <summary>True in a Development run without a configured key: no route asks for a key.</summary>
    public bool Open { get; }

    /// <summary>The keys any one of which opens a keyed route; null when the routes are <see cref="Open"/>.</summary>
    public async ValueTask<IReadOnlyList<string>?> GetAsync(CancellationToken cancellationToken)
    {
        if (Open || _configured is not null)
        {
            return _configured;
        }

        Task<IReadOnlyList<string>> loading;
        lock (_gate)
        {
            if (_loading is null || _loading.IsFaulted || _loading.IsCanceled)
            {
                // Not the caller's token: one read serves every request waiting for it.
                _loading = LoadAsync();
            }

            loading = _loading;
        }

        return await loading.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether <paramref name="request"/> carries a key in force, from memory only (health and ready answer without
    /// storage): false while the stored keys are not read yet.
    /// </summary>
    public bool Admits(HttpRequest request)
    {
        if (Open)
        {
            return true;
        }

        var keys = _configured ?? (_loading is { IsCompletedSuccessfully: true } loaded ? loaded.Result : null);
        return keys is not null && Matches(request, keys);
    }

    /// <summary>Reads the stored keys once the worker listens, so the log says at start where they are.</summary>
    public async Task PreloadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Recorded by LoadAsync (or the worker stops before storage answered); the next keyed request tries again.
        }
    }

    /// <summary>
    /// Any one given value that matches is enough: a stale header does not hide a right <c>?code=</c>, and a header
    /// repeated by a proxy is compared value by value, never joined. Compared in constant time.
    /// </summary>
    internal static bool Matches(HttpRequest request, IReadOnlyList<string> keys)
    {
        var expected = keys.Select(Encoding.UTF8.GetBytes).ToArray();
        // A repeated header arrives joined with commas (HTTP's list syntax): compare each part.
        var given = request.Headers["x-functions-key"]
            .SelectMany(value => (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries))
            .Concat(request.Query["code"]);
        return given.Any(value => value is not null &&
                                  expected.Any(key => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(value), key)));
    }

    private async Task<IReadOnlyList<string>> LoadAsync()
    {
        // Bounded: a storage account that never answers must not hold keyed requests forever.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30), _time);
        try
        {
            return await _store.LoadOrCreateAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.KeysUnavailable(_logger, HostSecretsStore.ContainerName, _store.BlobName, ex.Message);
            throw;
        }
    }
}
