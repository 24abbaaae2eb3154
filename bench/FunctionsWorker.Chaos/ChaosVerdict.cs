namespace FunctionsWorker.Chaos;

/// <summary>
/// The rules on how the run itself went, added to what <see cref="ChaosVerifier"/> found in storage: enough load and
/// faults to mean something, no worker that exited by itself or overran its SIGTERM grace, no duplicate in poison, and
/// the OCR models seen running with dynamic batching on in every process.
/// </summary>
internal static class ChaosVerdict
{
    public static void Judge(ChaosSettings settings, IReadOnlyDictionary<string, int> faults,
        IEnumerable<(string Name, WorkerEnd End, TimeSpan? StopTime)> workers, ChaosFindings findings)
    {
        AtLeast(findings, "valid jobs sent", findings.ValidJobs, settings.MinValidJobs);
        AtLeast(findings, "ocr jobs sent", findings.ValidByKind.GetValueOrDefault(MessageFactory.OcrKind), settings.MinOcrJobs);
        AtLeast(findings, "bad messages sent", findings.BadMessages, settings.MinBadMessages);
        AtLeast(findings, "process faults injected", FaultKinds.Process.Sum(k => faults.GetValueOrDefault(k)), settings.MinProcessFaults);
        AtLeast(findings, "storage faults injected", FaultKinds.Storage.Sum(k => faults.GetValueOrDefault(k)), settings.MinStorageFaults);

        var limit = settings.ShutdownGracePeriod + settings.ExitAllowance;
        foreach (var (name, end, stopTime) in workers)
        {
            if (end == WorkerEnd.Crashed)
            {
                findings.Violations.Add($"worker {name} exited without being told to");
            }
            else if (end == WorkerEnd.TerminateTimedOut)
            {
                findings.Violations.Add($"worker {name} was still running {stopTime?.TotalSeconds:F1} s after SIGTERM and was killed");
            }
            else if (stopTime > limit)
            {
                findings.Violations.Add($"worker {name} took {stopTime?.TotalSeconds:F1} s to exit after SIGTERM: more than the grace of " +
                    $"{settings.ShutdownGracePeriod.TotalSeconds:F0} s and {settings.ExitAllowance.TotalSeconds:F0} s to leave");
            }
        }

        if (findings.OcrBatchingReads == 0)
        {
            findings.Violations.Add("no worker status showed the OCR models Ready with dynamic batching on");
        }

        foreach (var (worker, model) in findings.OcrBatchingOff)
        {
            findings.Violations.Add($"worker {worker} ran {model} without dynamic batching");
        }

        if (findings.PoisonDuplicates > 0)
        {
            findings.Violations.Add($"{findings.PoisonDuplicates} extra copies of bad messages in jobs-poison: each must be poisoned once");
        }
    }

    private static void AtLeast(ChaosFindings findings, string what, int count, int minimum)
    {
        if (count < minimum)
        {
            findings.Violations.Add($"{what}: {count}, fewer than the {minimum} the run needs for its checks to mean anything");
        }
    }
}
