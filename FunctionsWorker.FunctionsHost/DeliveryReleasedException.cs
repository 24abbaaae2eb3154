using FunctionsWorker.Jobs;

namespace FunctionsWorker.FunctionsHost;

/// <summary>
/// Thrown by the queue function to give a delivery back to the Functions host, which makes it visible again after
/// <c>visibilityTimeout</c> and poisons it after <c>maxDequeueCount</c>: the host's way of releasing a message. The
/// reason is in the job record.
/// </summary>
public sealed class DeliveryReleasedException(string messageId, JobState state)
    : Exception($"Message {messageId} goes back to the queue; its job is {state} (see its record).");
