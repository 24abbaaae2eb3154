using System.Globalization;
using System.Text.Json;
using FunctionsWorker.Jobs;
using FunctionsWorker.Triggers.Queue;
using Microsoft.Azure.Functions.Worker;
using FunctionsWorker.State;

namespace FunctionsWorker.FunctionsHost;

/// <summary>
/// The queue trigger under the Functions host: the host fetches, renews visibility and poisons after
/// <c>maxDequeueCount</c>; this function keeps the worker's guarantees that still apply (README, Two hosting modes):
/// no model runs before warm-up is done, a permanent failure goes to <c>&lt;queue&gt;-poison</c> at once and the
/// invocation completes, a transient failure or worker fault throws so the host retries.
/// </summary>
public sealed class JobQueueFunction(QueueProcessor processor, WorkerState state)
{
    public const string Name = "ProcessJob";

    [Function(Name)]
    public async Task RunAsync(
        [QueueTrigger("%JobsQueueName%", Connection = "AzureWebJobsStorage")] string body,
        FunctionContext context,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);

        // The self-hosted listener fetches nothing before warm-up; here the host has fetched already, so the invocation waits.
        await state.WhenWarmAsync(cancellationToken).ConfigureAwait(false);
        var envelope = Envelope(body, context.BindingContext.BindingData);
        var work = processor.ProcessHostedAsync(envelope, cancellationToken);
        state.Jobs.Track(work);
        var fate = await work.ConfigureAwait(false);
        if (fate.Kind == MessageFateKind.Release)
        {
            throw new DeliveryReleasedException(envelope.MessageId, fate.State);
        }
    }

    /// <summary>The host's trigger metadata (<c>Id</c>, <c>DequeueCount</c>, <c>InsertionTime</c>) as the core's envelope.</summary>
    internal static JobEnvelope Envelope(string body, IReadOnlyDictionary<string, object?> metadata)
    {
        var id = Text(metadata, "Id") ?? throw new InvalidOperationException("The Functions host sent no message Id with the queue trigger.");
        var dequeueCount = long.Parse(Text(metadata, "DequeueCount") ?? "1", CultureInfo.InvariantCulture);
        DateTimeOffset? inserted = Text(metadata, "InsertionTime") is { } at
            ? DateTimeOffset.Parse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : null;
        return new JobEnvelope(id, body, dequeueCount, inserted);
    }

    // The host sends strings as they are and numbers and dates as JSON, so a date arrives as a JSON string literal.
    private static string? Text(IReadOnlyDictionary<string, object?> metadata, string key)
    {
        var text = metadata.TryGetValue(key, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;
        if (text is null || !text.StartsWith('"'))
        {
            return text;
        }

        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetString();
    }
}
