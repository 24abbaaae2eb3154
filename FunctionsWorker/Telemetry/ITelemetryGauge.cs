using System.Diagnostics.Metrics;

namespace FunctionsWorker.Telemetry;

/// <summary>
/// An observable gauge a higher layer offers (model states, queue lengths), published on the worker's meter by
/// <c>AddTelemetry</c>. <see cref="Observe"/> runs on every collection: it must answer from memory, never wait for storage.
/// </summary>
public interface ITelemetryGauge
{
    /// <summary>The instrument name, <c>functionsworker.*</c>.</summary>
    string Name { get; }

    string Unit { get; }

    string Description { get; }

    IEnumerable<Measurement<long>> Observe();
}
