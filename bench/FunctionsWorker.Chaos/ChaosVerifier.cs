using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace FunctionsWorker.Chaos;

/// <summary>
/// The end-of-run checks: every valid job Succeeded once in effect (one Succeeded record, a result.json that never
/// changed after it was first seen, never in poison), every bad message in poison unchanged with its reason in its
/// record, nothing left in the jobs queue, and every extra pipeline run explained by how the run before it ended.
/// </summary>
internal sealed class ChaosVerifier(IReadOnlyList<SentMessage> sent, QueueClient queue, QueueClient poison, TableClient table, ResultWatcher results)
{
    private const int MaxListed = 25;

    /// <summary>Waits until every job has its final record and the jobs queue is empty (held messages included).</summary>
    public async Task<bool> DrainAsync(TimeSpan timeout, TimeSpan lease, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        DateTimeOffset? stalledSince = null;
        var lastPending = -1;
        while (DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                var records = await RecordsAsync(cancellationToken).ConfigureAwait(false);
                var pending = sent.Count(m => !Final(m, records));
                var left = (await queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount;
                if (pending == 0 && left == 0)
                {
                    return true;
                }

                // Nothing left to deliver and no change for two leases: the missing records will never come.
                stalledSince = left == 0 && pending == lastPending ? stalledSince ?? DateTimeOffset.UtcNow : null;
                lastPending = pending;
                if (stalledSince is { } since && DateTimeOffset.UtcNow - since > 2 * lease + TimeSpan.FromSeconds(10))
                {
                    Console.WriteLine($"    {pending} jobs will never get a final record: the queue is empty");
                    return false;
                }

                Console.WriteLine($"    draining: {pending} jobs without a final record, {left} messages in the queue");
            }
            catch (Azure.RequestFailedException)
            {
                // Storage is settling after the last fault; poll again.
            }

            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    public async Task<ChaosFindings> VerifyAsync(WorkerLogAnalysis logs, bool drained, CancellationToken cancellationToken)
    {
        var findings = new ChaosFindings { Drained = drained };
        if (!drained)
        {
            findings.Violations.Add("the run did not drain in time: some jobs have no final record or messages are left in the queue");
        }

        var records = await RecordsAsync(cancellationToken).ConfigureAwait(false);
        var poisoned = await ReadPoisonAsync(cancellationToken).ConfigureAwait(false);
        findings.PoisonMessages = poisoned.Count;
        var poisonCounts = poisoned.GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        findings.QueueLeft = (await queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount;
        if (findings.QueueLeft != 0)
        {
            findings.Violations.Add($"{findings.QueueLeft} messages left in the jobs queue (visible or held)");
        }

        foreach (var message in sent.Where(m => m.Valid))
        {
            await CheckValidAsync(message, records, poisonCounts, logs, findings, cancellationToken).ConfigureAwait(false);
        }

        foreach (var message in sent.Where(m => !m.Valid))
        {
            CheckBad(message, records, poisonCounts, findings);
        }

        if (logs.FatalLines > 0)
        {
            findings.Violations.Add($"{logs.FatalLines} critical, unhandled or unexpected-failure lines in the worker logs (listed below)");
        }

        return findings;
    }

    private async Task CheckValidAsync(SentMessage message, Dictionary<string, TableEntity> records, Dictionary<string, int> poisonCounts,
        WorkerLogAnalysis logs, ChaosFindings findings, CancellationToken cancellationToken)
    {
        var jobId = message.JobId!;
        findings.ValidJobs++;
        findings.ValidByKind[message.Kind] = findings.ValidByKind.GetValueOrDefault(message.Kind) + 1;
        if (message.MessageIds.Count > 1)
        {
            findings.TwinJobs++;
        }

        var state = records.TryGetValue(jobId, out var record) ? record.GetString("State") : "none";
        if (state == "Succeeded")
        {
            findings.Succeeded++;
        }
        else
        {
            Violation(findings, $"valid job {jobId} ({message.Kind}) ends {state}: {record?.GetString("ErrorType")} {record?.GetString("ErrorMessage")}");
        }

        if (poisonCounts.ContainsKey(message.Text))
        {
            Violation(findings, $"valid job {jobId} is in the poison queue");
        }

        if (!results.FirstSeen.TryGetValue(jobId, out var first))
        {
            Violation(findings, $"valid job {jobId}: no result.json seen");
        }
        else
        {
            var now = await TryHashAsync(jobId, cancellationToken).ConfigureAwait(false);
            if (results.Changed.TryGetValue(jobId, out var change))
            {
                Violation(findings, $"valid job {jobId}: result.json rewritten during the run ({change})");
            }
            else if (now != (first.ETag, first.Sha256))
            {
                Violation(findings, $"valid job {jobId}: result.json changed after it was first seen ({first.ETag}/{first.Sha256[..12]} → {now.ETag}/{now.Sha256[..Math.Min(12, now.Sha256.Length)]})");
            }
            else
            {
                findings.ResultsUnchanged++;
                if (message.Kind == MessageFactory.OcrKind)
                {
                    await CheckOcrTextAsync(jobId, findings, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        var runs = logs.RunsByJob.GetValueOrDefault(jobId) ?? [];
        switch (runs.Count)
        {
            case 0:
                findings.JobsNeverSeenRunning++;
                break;
            case 1:
                findings.JobsRunOnce++;
                break;
            default:
                findings.JobsRunMoreThanOnce++;
                findings.ExtraRuns += runs.Count - 1;
                foreach (var run in runs.Take(runs.Count - 1))
                {
                    findings.ExtraRunCauses[run.Ending] = findings.ExtraRunCauses.GetValueOrDefault(run.Ending) + 1;
                }

                if (runs.Take(runs.Count - 1).Any(r => r.Ending.StartsWith("succeeded", StringComparison.Ordinal)))
                {
                    Violation(findings, $"valid job {jobId} ran again after a run that succeeded: {Describe(runs)}");
                }

                if (findings.ExtraRunExamples.Count < 12)
                {
                    findings.ExtraRunExamples.Add($"{jobId}{(message.MessageIds.Count > 1 ? " (twin)" : string.Empty)}: {Describe(runs)}");
                }

                break;
        }
    }

    /// <summary>Every text image has words on it: an OCR result without text means the models ran wrong under faults.</summary>
    private async Task CheckOcrTextAsync(string jobId, ChaosFindings findings, CancellationToken cancellationToken)
    {
        var text = JsonNode.Parse((await results.DownloadAsync(jobId, cancellationToken).ConfigureAwait(false)).Content.ToString())?["result"]?["text"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            Violation(findings, $"ocr job {jobId}: result.json has no recognised text");
        }
        else
        {
            findings.OcrWithText++;
        }
    }

    private static void CheckBad(SentMessage message, Dictionary<string, TableEntity> records, Dictionary<string, int> poisonCounts, ChaosFindings findings)
    {
        findings.BadMessages++;
        if (!findings.BadByKind.TryGetValue(message.Kind, out var entry))
        {
            entry = (0, 0, new SortedSet<string>(StringComparer.Ordinal));
        }

        entry.Sent++;
        var copies = poisonCounts.GetValueOrDefault(message.Text);
        if (copies > 1)
        {
            findings.PoisonDuplicates += copies - 1;
        }

        var keys = message.JobId is { } id ? [id, .. message.MessageIds.Select(m => "msg-" + m)] : message.MessageIds.Select(m => "msg-" + m).ToList();
        var record = keys.Select(k => records.GetValueOrDefault(k)).FirstOrDefault(r => r is not null);
        var state = record?.GetString("State");
        var errorType = record?.GetString("ErrorType");
        if (copies == 0)
        {
            Violation(findings, $"bad message {message.Kind} ({string.Join(", ", keys)}) is not in the poison queue unchanged (record: {state ?? "none"} {errorType})");
        }
        else if (state != "Poisoned" || string.IsNullOrEmpty(errorType))
        {
            Violation(findings, $"bad message {message.Kind} ({string.Join(", ", keys)}) is in poison but its record is {state ?? "missing"} {errorType}");
        }
        else
        {
            entry.Poisoned++;
            entry.ErrorTypes.Add(errorType);
        }

        findings.BadByKind[message.Kind] = entry;
    }

    private static bool Final(SentMessage message, Dictionary<string, TableEntity> records)
    {
        if (message.Valid)
        {
            return records.TryGetValue(message.JobId!, out var record) && record.GetString("State") == "Succeeded";
        }

        var keys = message.JobId is { } id ? [id, .. message.MessageIds.Select(m => "msg-" + m)] : message.MessageIds.Select(m => "msg-" + m);
        return keys.Any(k => records.TryGetValue(k, out var record) && record.GetString("State") == "Poisoned");
    }

    private async Task<Dictionary<string, TableEntity>> RecordsAsync(CancellationToken cancellationToken)
    {
        var records = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        await foreach (var entity in table.QueryAsync<TableEntity>(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            records[entity.PartitionKey] = entity;
        }

        return records;
    }

    /// <summary>Every poison message's text, read by receiving them all under a long invisibility (nothing else reads this queue).</summary>
    private async Task<List<string>> ReadPoisonAsync(CancellationToken cancellationToken)
    {
        var texts = new List<string>();
        while (true)
        {
            var batch = (await poison.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false)).Value;
            if (batch.Length == 0)
            {
                return texts;
            }

            texts.AddRange(batch.Select(m => m.MessageText));
        }
    }

    private async Task<(string ETag, string Sha256)> TryHashAsync(string jobId, CancellationToken cancellationToken)
    {
        try
        {
            return await results.HashAsync(jobId, cancellationToken).ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            return ("missing", string.Empty);
        }
    }

    private static string Describe(List<JobRun> runs) =>
        string.Join("; ", runs.Select(r => $"{r.At:HH:mm:ss} {r.Worker} dequeue {r.DequeueCount} → {r.Ending}"));

    private static void Violation(ChaosFindings findings, string text)
    {
        if (findings.Violations.Count < MaxListed)
        {
            findings.Violations.Add(text);
        }
        else if (findings.Violations.Count == MaxListed)
        {
            findings.Violations.Add("… more violations not listed");
        }
    }
}
