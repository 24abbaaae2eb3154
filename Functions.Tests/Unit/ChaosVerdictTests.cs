using FunctionsWorker.Chaos;

namespace Functions.Tests.Unit;

/// <summary>
/// The chaos harness's verdict on the run itself: it fails a run with too little load or too few faults, a worker
/// that exited by itself or overran its SIGTERM grace, a bad message poisoned twice, and OCR not seen with batching on.
/// </summary>
public sealed class ChaosVerdictTests
{
    private static readonly ChaosSettings Settings = ChaosSettings.Short;

    [Fact]
    public void FullRun_WithNothingWrong_Passes()
    {
        var findings = Judge(Enough(), Faults(), [("w1.1", WorkerEnd.Terminated, TimeSpan.FromSeconds(1))]);

        Assert.True(findings.Passed, string.Join("\n", findings.Violations));
    }

    [Fact]
    public void RunWithNoJobs_Fails()
    {
        Assert.Contains(ViolationsAfter(findings => findings.ValidJobs = 0), v => v.StartsWith("valid jobs sent: 0", StringComparison.Ordinal));
    }

    [Fact]
    public void RunWithNoBadMessages_Fails()
    {
        Assert.Contains(ViolationsAfter(findings => findings.BadMessages = 0), v => v.StartsWith("bad messages sent: 0", StringComparison.Ordinal));
    }

    [Fact]
    public void RunWithNoOcrJobs_Fails()
    {
        Assert.Contains(ViolationsAfter(findings => findings.ValidByKind.Remove(MessageFactory.OcrKind)), v => v.StartsWith("ocr jobs sent: 0", StringComparison.Ordinal));
    }

    [Fact]
    public void RunThatNeverSawOcrBatching_Fails()
    {
        Assert.Equal(["no worker status showed the OCR models Ready with dynamic batching on"], ViolationsAfter(findings => findings.OcrBatchingReads = 0));
    }

    [Fact]
    public void WorkerRunningOcrWithoutBatching_Fails()
    {
        Assert.Equal(["worker w2.4 ran ocr-rec without dynamic batching"], ViolationsAfter(findings => findings.OcrBatchingOff["w2.4"] = "ocr-rec"));
    }

    [Fact]
    public void RunWithNoProcessFaults_Fails()
    {
        var faults = Faults();
        faults.Remove(FaultKinds.Kill);
        faults.Remove(FaultKinds.Sigterm);

        Assert.Contains(Judge(Enough(), faults, []).Violations, v => v.StartsWith("process faults injected: 0", StringComparison.Ordinal));
    }

    [Fact]
    public void RunWithNoStorageFaults_Fails()
    {
        var faults = Faults();
        foreach (var kind in FaultKinds.Storage)
        {
            faults.Remove(kind);
        }

        Assert.Contains(Judge(Enough(), faults, []).Violations, v => v.StartsWith("storage faults injected: 0", StringComparison.Ordinal));
    }

    [Fact]
    public void CrashedWorkers_AreNotInjectedFaults()
    {
        var faults = new Dictionary<string, int>(StringComparer.Ordinal) { [FaultKinds.WorkerCrashed] = 50 };

        var violations = Judge(Enough(), faults, []).Violations;

        Assert.Contains(violations, v => v.StartsWith("process faults injected: 0", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("storage faults injected: 0", StringComparison.Ordinal));
    }

    [Fact]
    public void WorkerThatExitedByItself_Fails()
    {
        var findings = Judge(Enough(), Faults(), [("w2.3", WorkerEnd.Crashed, null)]);

        Assert.Equal(["worker w2.3 exited without being told to"], findings.Violations);
    }

    [Fact]
    public void WorkerKilledAfterSigtermBudget_Fails()
    {
        var findings = Judge(Enough(), Faults(), [("w1.2", WorkerEnd.TerminateTimedOut, TimeSpan.FromSeconds(20))]);

        Assert.Equal(["worker w1.2 was still running 20.0 s after SIGTERM and was killed"], findings.Violations);
    }

    [Fact]
    public void WorkerThatOverranItsGrace_Fails()
    {
        var late = Settings.ShutdownGracePeriod + Settings.ExitAllowance + TimeSpan.FromMilliseconds(100);

        var findings = Judge(Enough(), Faults(), [("w3.1", WorkerEnd.Terminated, late)]);

        Assert.Single(findings.Violations);
        Assert.StartsWith("worker w3.1 took 10.1 s to exit after SIGTERM", findings.Violations[0], StringComparison.Ordinal);
    }

    [Fact]
    public void WorkerThatExitedWithinItsGrace_Passes()
    {
        var findings = Judge(Enough(), Faults(), [("w3.1", WorkerEnd.Terminated, Settings.ShutdownGracePeriod + Settings.ExitAllowance)]);

        Assert.True(findings.Passed, string.Join("\n", findings.Violations));
    }

    [Fact]
    public void DuplicateInPoison_Fails()
    {
        Assert.Equal(["1 extra copies of bad messages in jobs-poison: each must be poisoned once"], ViolationsAfter(findings => findings.PoisonDuplicates = 1));
    }

    [Fact]
    public void Minimums_AreAboveZero_ForTheShortAndTheLongRun()
    {
        foreach (var settings in new[] { ChaosSettings.Short, new ChaosSettings() })
        {
            Assert.All(new[] { settings.MinValidJobs, settings.MinOcrJobs, settings.MinBadMessages, settings.MinProcessFaults, settings.MinStorageFaults }, min => Assert.True(min > 0));
        }
    }

    private static ChaosFindings Judge(ChaosFindings findings, Dictionary<string, int> faults, (string, WorkerEnd, TimeSpan?)[] workers)
    {
        ChaosVerdict.Judge(Settings, faults, workers, findings);
        return findings;
    }

    private static ChaosFindings Enough()
    {
        var findings = new ChaosFindings { ValidJobs = Settings.MinValidJobs, BadMessages = Settings.MinBadMessages, OcrBatchingReads = 1 };
        findings.ValidByKind[MessageFactory.OcrKind] = Settings.MinOcrJobs;
        return findings;
    }

    private static Dictionary<string, int> Faults() => new(StringComparer.Ordinal)
    {
        [FaultKinds.Kill] = Settings.MinProcessFaults,
        [FaultKinds.StorageCut] = Settings.MinStorageFaults,
    };

    /// <summary>The verdict's violations on a run with enough of everything but what <paramref name="spoil"/> takes away.</summary>
    private static List<string> ViolationsAfter(Action<ChaosFindings> spoil)
    {
        var findings = Enough();
        spoil(findings);
        return Judge(findings, Faults(), []).Violations;
    }
}
