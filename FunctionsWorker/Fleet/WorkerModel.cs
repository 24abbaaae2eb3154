namespace FunctionsWorker.Fleet;

/// <summary>One model's state as a worker's heartbeat reports it.</summary>
public sealed record WorkerModel(string Name, string State);
