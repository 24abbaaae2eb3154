namespace FunctionsWorker.Chaos;

/// <summary>What the checks at the end of a chaos run found: counts for the report, and every violated rule.</summary>
internal sealed class ChaosFindings
{
    public int ValidJobs { get; set; }

    public int TwinJobs { get; set; }

    public SortedDictionary<string, int> ValidByKind { get; } = new(StringComparer.Ordinal);

    public int Succeeded { get; set; }

    public int ResultsUnchanged { get; set; }

    public int BadMessages { get; set; }

    /// <summary>Per bad kind: how many sent, how many found in poison unchanged with a Poisoned record, and the error types.</summary>
    public SortedDictionary<string, (int Sent, int Poisoned, SortedSet<string> ErrorTypes)> BadByKind { get; } = new(StringComparer.Ordinal);

    public int PoisonMessages { get; set; }

    public int PoisonDuplicates { get; set; }

    public int QueueLeft { get; set; }

    public int JobsRunOnce { get; set; }

    public int JobsRunMoreThanOnce { get; set; }

    public int JobsNeverSeenRunning { get; set; }

    public int ExtraRuns { get; set; }

    /// <summary>Why each extra run happened: the ending of the run before it, counted.</summary>
    public SortedDictionary<string, int> ExtraRunCauses { get; } = new(StringComparer.Ordinal);

    public List<string> ExtraRunExamples { get; } = [];

    public List<string> Violations { get; } = [];

    public bool Drained { get; set; }

    public bool Passed => Violations.Count == 0;
}
