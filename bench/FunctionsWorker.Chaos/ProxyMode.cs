namespace FunctionsWorker.Chaos;

/// <summary>What a <see cref="StorageProxy"/> does with traffic.</summary>
internal enum ProxyMode
{
    /// <summary>Forwards both ways (plus the proxy's latency, if any).</summary>
    Pass,

    /// <summary>The service is gone: open connections are reset, new ones reset as soon as accepted.</summary>
    Cut,

    /// <summary>The service hangs: connections are accepted and requests read, but nothing is forwarded or answered.</summary>
    Hang,
}
