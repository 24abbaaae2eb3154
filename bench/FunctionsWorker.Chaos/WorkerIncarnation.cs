namespace FunctionsWorker.Chaos;

/// <summary>One process of a worker slot: its log, when it started, and how it ended.</summary>
internal sealed class WorkerIncarnation(int slot, int number, ChildProcess process)
{
    public int Slot { get; } = slot;

    public int Number { get; } = number;

    public ChildProcess Process { get; } = process;

    public string Name => $"w{Slot}.{Number}";

    public WorkerEnd End { get; set; } = WorkerEnd.Running;

    public int? ExitCode { get; set; }

    /// <summary>For a SIGTERM: from the signal to the exit.</summary>
    public TimeSpan? StopTime { get; set; }
}
