namespace FunctionsWorker.Chaos;

/// <summary>What the checks at the end of a chaos run found: counts for the report, and every violated rule.</summary>
internal sealed class ChaosFindings
{
    public int ValidJobs { get; set; }

    public int TwinJobs { get; set; }

    public SortedDictionary<string, int> ValidByKind { get; } = new(StringComparer.Ordinal);

    public int Succeeded { get; set; }

    public int ResultsUnchanged { get; set; }

    /// <summary>OCR jobs whose result.json has recognised text (the images all have some).</summary>
    public int OcrWithText { get; set; }

    /// <summary>Status reads that showed both OCR models Ready with dynamic batching on (<see cref="BatchWatcher"/>).</summary>
    public int OcrBatchingReads { get; set; }

    /// <summary>Processes whose status showed an OCR model Ready without batching, with that model.</summary>
    public SortedDictionary<string, string> OcrBatchingOff { get; } = new(StringComparer.Ordinal);

    /// <summary>Per OCR model, runs by the number of requests merged into each, over every process (a floor: see <see cref="BatchWatcher"/>).</summary>
    public SortedDictionary<string, SortedDictionary<int, long>> OcrBatches { get; set; } = new(StringComparer.Ordinal);

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
