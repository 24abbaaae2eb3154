namespace Functions.Tests.Unit.Queue;

/// <summary>A kind of simulated job: its work alone, and how many of it run at once at full speed (its true capacity).</summary>
public sealed record JobKind(double WorkMs, int Capacity);
