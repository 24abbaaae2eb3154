namespace FunctionsWorker.Triggers.Http;

/// <summary><c>/api/status</c> <c>listener</c>: whether the queue trigger fetches, and until when the circuit holds it.</summary>
public sealed record ListenerReport(bool Running, DateTimeOffset? CircuitOpenUntil);
