using System.Diagnostics.Metrics;
using FunctionsWorker.State;

namespace FunctionsWorker.Telemetry;

/// <summary>
/// The observable gauges: in-flight jobs and concurrency from <see cref="WorkerState"/>, and every
/// <see cref="ITelemetryGauge"/> a higher layer registered. A hosted service so the gauges exist from start-up, on a
/// meter from <see cref="IMeterFactory"/> that is disposed with the host, so a stopped host's state is never read again.
/// </summary>
internal sealed class WorkerGauges : IHostedService
{
    private readonly TelemetryOptions _options;
    private readonly ILogger<WorkerGauges> _logger;

    public WorkerGauges(IMeterFactory meters, WorkerState state, IEnumerable<ITelemetryGauge> gauges, TelemetryOptions options, ILogger<WorkerGauges> logger)
    {
        _options = options;
        _logger = logger;
        var meter = meters.Create(WorkerTelemetry.Name, WorkerState.Version);
        meter.CreateObservableGauge("functionsworker.jobs.in_flight", () => (long)state.InFlight, "{job}",
            "Jobs this worker holds now, from fetch until their message is settled.");
        meter.CreateObservableGauge("functionsworker.concurrency", () => (long)state.Concurrency, "{job}",
            "How many jobs the queue trigger lets run at once now (dynamic concurrency, or the static batch).");
        foreach (var gauge in gauges)
        {
            meter.CreateObservableGauge(gauge.Name, gauge.Observe, gauge.Unit, gauge.Description);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Log.Configured(_logger, _options.OtlpTarget ?? "off", _options.AzureMonitorConnectionString is null ? "off" : "on",
            _options.PrometheusEnabled ? TelemetryOptions.PrometheusPath : "off");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
