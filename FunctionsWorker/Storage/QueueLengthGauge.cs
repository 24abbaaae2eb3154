using System.Diagnostics.Metrics;
using FunctionsWorker.Telemetry;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Storage;

/// <summary>
/// <c>functionsworker.queue.length</c> for the jobs queue and its poison queue, from the same <see cref="QueueLengths"/>
/// as <c>/api/status</c> (storage asked at most once a second, shared). A collection never waits for storage: it reports
/// the last answer and, when that is older than the refresh, starts the next read for the following collection.
/// </summary>
internal sealed class QueueLengthGauge(QueueLengths lengths, IOptions<StorageOptions> storage) : ITelemetryGauge
{
    private readonly object _gate = new();
    private (int? Jobs, int? Poison) _last;

    public string Name => "functionsworker.queue.length";

    public string Unit => "{message}";

    public string Description => "Approximate messages in the jobs queue and its poison queue (refreshed at most once a second).";

    public IEnumerable<Measurement<long>> Observe()
    {
        var read = lengths.GetAsync(CancellationToken.None);
        if (read.IsCompletedSuccessfully)
        {
            Remember(read.Result);
        }
        else
        {
            // QueueLengths answers null rather than throwing when storage fails; a fault here is a defect it logs nowhere, so it is only skipped.
            _ = read.ContinueWith(done => Remember(done.Result), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }

        (int? Jobs, int? Poison) last;
        lock (_gate)
        {
            last = _last;
        }

        var names = storage.Value;
        return (last.Jobs, last.Poison, names.PoisonQueueName) switch
        {
            ({ } jobs, { } poison, { } poisonName) => [Length(jobs, names.JobsQueueName), Length(poison, poisonName)],
            ({ } jobs, _, _) => [Length(jobs, names.JobsQueueName)],
            (null, { } poison, { } poisonName) => [Length(poison, poisonName)],
            _ => [],
        };
    }

    private static Measurement<long> Length(int length, string queue) => new(length, new KeyValuePair<string, object?>("queue", queue));

    private void Remember((int? Jobs, int? Poison) lengths)
    {
        lock (_gate)
        {
            _last = lengths;
        }
    }
}
