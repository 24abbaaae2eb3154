using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;

namespace FunctionsWorker.Chaos;

/// <summary>
/// Reads each live worker's <c>/api/status</c> during the run and keeps, per process, the OCR models' runs by requests
/// merged (dynamic batching). A killed process keeps the last figures read from it, so the totals are a floor.
/// A Ready OCR model whose status has no batch counts ran without batching: the run must exercise it on.
/// </summary>
internal sealed class BatchWatcher(IReadOnlyList<WorkerSlot> slots)
{
    public static readonly string[] Models = ["ocr-det", "ocr-rec"];

    private readonly ConcurrentDictionary<(string Worker, string Model), IReadOnlyDictionary<int, long>> _latest = new();
    private int _reads;

    /// <summary>Processes whose status showed a Ready OCR model without batch counts.</summary>
    public ConcurrentDictionary<string, string> BatchingOff { get; } = new(StringComparer.Ordinal);

    /// <summary>Status answers read that held the OCR models Ready with batching on.</summary>
    public int ReadsWithBatching => _reads;

    public async Task RunAsync(TimeSpan every, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                foreach (var slot in slots)
                {
                    await ReadAsync(slot, cancellationToken).ConfigureAwait(false);
                }

                await Task.Delay(every, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopped, perhaps in the middle of a status read.
                return;
            }
        }
    }

    /// <summary>Per OCR model, runs by the number of requests merged into each, summed over every process.</summary>
    public SortedDictionary<string, SortedDictionary<int, long>> Totals()
    {
        var totals = new SortedDictionary<string, SortedDictionary<int, long>>(StringComparer.Ordinal);
        foreach (var ((_, model), batches) in _latest)
        {
            if (!totals.TryGetValue(model, out var sum))
            {
                totals[model] = sum = [];
            }

            foreach (var (merged, runs) in batches)
            {
                sum[merged] = sum.GetValueOrDefault(merged) + runs;
            }
        }

        return totals;
    }

    private async Task ReadAsync(WorkerSlot slot, CancellationToken cancellationToken)
    {
        if (slot.Current is not { } current)
        {
            return;
        }

        JsonNode? status;
        try
        {
            status = JsonNode.Parse(await slot.Http.GetStringAsync(new Uri("/api/status", UriKind.Relative), cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
        {
            // Starting, killed or stopping: the next read catches up.
            return;
        }

        var ready = 0;
        foreach (var model in status?["inference"]?["models"]?.AsArray() ?? [])
        {
            var name = model?["name"]?.GetValue<string>();
            if (name is null || !Models.Contains(name, StringComparer.Ordinal) || model!["state"]?.GetValue<string>() != "Ready")
            {
                continue;
            }

            if (model["batches"] is not JsonObject batches)
            {
                BatchingOff.TryAdd(current.Name, name);
                continue;
            }

            ready++;
            _latest[(current.Name, name)] = batches.ToDictionary(
                b => int.Parse(b.Key, CultureInfo.InvariantCulture), b => b.Value!.GetValue<long>());
        }

        if (ready == Models.Length)
        {
            Interlocked.Increment(ref _reads);
        }
    }
}
