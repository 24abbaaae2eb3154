namespace FunctionsWorker.Triggers.Queue;

/// <summary>A message as fetched: its id and pop receipt, text exactly as stored, dequeue count and insertion time.</summary>
public sealed record ReceivedMessage(string MessageId, string PopReceipt, string Text, long DequeueCount, DateTimeOffset? InsertedOn);
