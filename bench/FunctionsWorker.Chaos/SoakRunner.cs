using System.Globalization;
using System.Text;
using Azure.Data.Tables;

namespace FunctionsWorker.Chaos;

/// <summary>
/// The soak: <c>jobs</c> small thumbnail jobs through one worker with the queue kept a few hundred deep, sampling its
/// memory, threads and open files every 2 s; memory at 1k and at the end, growth after warm-up, throughput per 1k jobs.
/// </summary>
internal sealed class SoakRunner(int jobs, string? outputDirectory, string commandLine)
{
    private const int Backlog = 400;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var images = SingleWorker.SmallImages().ToList();
        await using var worker = await SingleWorker.StartAsync("soak", new Dictionary<string, string>(StringComparer.Ordinal), images).ConfigureAwait(false);
        Console.WriteLine($"soak: {jobs} thumbnail jobs through worker pid {worker.Pid}; work directory {worker.Directory}");
        var sampler = new ProcessSampler(worker.Pid, worker.Slot.Http);
        var samples = new List<ProcessSample> { await sampler.SampleAsync(cancellationToken).ConfigureAwait(false) };
        var sent = 0;
        var deadline = DateTimeOffset.UtcNow.AddMinutes(30);
        var nextSample = DateTimeOffset.UtcNow.AddSeconds(2);
        // Done when every job has been sent and the queue is empty: a redelivery of a job that already succeeded (its
        // settle lost to a storage timeout) is acknowledged without counting as a success again.
        var drained = false;
        while (!drained && DateTimeOffset.UtcNow < deadline)
        {
            if (sent < jobs && sent - samples[^1].JobsSucceeded < Backlog)
            {
                var batch = Enumerable.Range(sent, Math.Min(100, jobs - sent))
                    .Select(i => worker.Queue.SendMessageAsync(SingleWorker.ThumbnailJob(
                        string.Create(CultureInfo.InvariantCulture, $"soak-{i:D6}"), images[i % images.Count].Name, 32), cancellationToken));
                await Task.WhenAll(batch).ConfigureAwait(false);
                sent += Math.Min(100, jobs - sent);
            }

            if (DateTimeOffset.UtcNow >= nextSample || sent - samples[^1].JobsSucceeded >= Backlog)
            {
                await Task.Delay(Math.Max(0, (int)(nextSample - DateTimeOffset.UtcNow).TotalMilliseconds), cancellationToken).ConfigureAwait(false);
                nextSample = DateTimeOffset.UtcNow.AddSeconds(2);
                var sample = await sampler.SampleAsync(cancellationToken).ConfigureAwait(false);
                samples.Add(sample);
                drained = sent == jobs && (sample.JobsSucceeded >= jobs ||
                    (await worker.Queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount == 0);
                Console.WriteLine($"  {sample.At:mm\\:ss} {sample.JobsSucceeded,6} jobs  RSS {Mb(sample.RssBytes),6:F1} MB  heap {Mb(sample.ManagedHeapBytes),6:F1} MB  threads {sample.Threads,3}  fds {sample.OpenFiles,4}");
            }
        }

        // Ten more seconds idle: what the worker gives back once the load stops.
        for (var i = 0; i < 5; i++)
        {
            await Task.Delay(2000, cancellationToken).ConfigureAwait(false);
            samples.Add(await sampler.SampleAsync(cancellationToken).ConfigureAwait(false));
        }

        var table = new TableClient(worker.Azurite.ConnectionString, "jobs");
        var states = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var record in table.QueryAsync<TableEntity>(select: ["State"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var state = record.GetString("State") ?? "none";
            states[state] = states.GetValueOrDefault(state) + 1;
        }

        var report = Report(samples, states, out var passed);
        Console.WriteLine(report);
        if (outputDirectory is not null)
        {
            Directory.CreateDirectory(outputDirectory);
            await File.WriteAllTextAsync(Path.Combine(outputDirectory, "README.md"), report, cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(outputDirectory, "samples.csv"), Csv(samples), cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(outputDirectory, "memory.svg"), new SvgChart("Worker memory over 10 000 jobs", "jobs succeeded", "MB")
                .Add("RSS (/proc VmRSS)", samples.Select(s => ((double)s.JobsSucceeded, Mb(s.RssBytes))))
                .Add("anonymous RSS (RssAnon)", samples.Select(s => ((double)s.JobsSucceeded, Mb(s.RssAnonBytes))))
                .Add("managed heap (/api/status)", samples.Select(s => ((double)s.JobsSucceeded, Mb(s.ManagedHeapBytes))))
                .Render(), cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(outputDirectory, "throughput.svg"), new SvgChart("Throughput and handles", "seconds", "jobs/s, threads, open files")
                .Add("jobs/s (per 2 s sample)", Rates(samples))
                .Add("threads", samples.Select(s => (s.At.TotalSeconds, (double)s.Threads)))
                .Add("open files", samples.Select(s => (s.At.TotalSeconds, (double)s.OpenFiles)))
                .Render(), cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"written to {outputDirectory}");
        }

        Console.WriteLine(passed ? "SOAK: PASSED" : "SOAK: FAILED");
        return passed ? 0 : 1;
    }

    private string Report(List<ProcessSample> samples, Dictionary<string, int> states, out bool passed)
    {
        var inv = CultureInfo.InvariantCulture;
        // No sample past 1 000 jobs (a short or stalled run): the table shows the first sample and the memory rule fails.
        var reached1k = samples.FirstOrDefault(s => s.JobsSucceeded >= 1000);
        var at1k = reached1k ?? samples[0];
        var final = samples.Where(s => s.JobsSucceeded >= jobs).DefaultIfEmpty(samples[Math.Max(0, samples.Count - 6)]).First();
        var rssGrowth = SoakCriteria.Growth(at1k.RssBytes, final.RssBytes);
        var anonGrowth = SoakCriteria.Growth(at1k.RssAnonBytes, final.RssAnonBytes);
        var segments = new List<(int From, int To, double Seconds)>();
        for (var k = 0; k + 1000 <= jobs; k += 1000)
        {
            var from = samples.FirstOrDefault(s => s.JobsSucceeded >= k);
            var to = samples.FirstOrDefault(s => s.JobsSucceeded >= k + 1000);
            if (from is not null && to is not null)
            {
                segments.Add((k, k + 1000, (to.At - from.At).TotalSeconds));
            }
        }

        var rates = segments.Skip(1).Select(s => (s.To - s.From) / s.Seconds).ToList();
        var memoryFlat = SoakCriteria.MemoryFlat(reached1k, final);
        var steady = SoakCriteria.Steady(rates);
        var succeeded = states.GetValueOrDefault("Succeeded");
        var allSucceeded = SoakCriteria.AllSucceeded(jobs, succeeded);
        passed = memoryFlat && steady && allSucceeded;

        var md = new StringBuilder();
        md.AppendLine("# Soak: 10 000 jobs through one worker").AppendLine();
        md.AppendLine(inv, $"**Result: {(passed ? "PASSED" : "FAILED")}** — {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, `{commandLine}`").AppendLine();
        md.AppendLine(inv, $"{jobs} `thumbnail` jobs (inputs 64×48 PNG, 120×90 JPEG, 100×100 WebP; `maxSide` 32) through one worker process " +
            $"(`dotnet FunctionsWorker.dll`, Release, default host.json batchSize 16) against an in-memory Azurite; the queue is kept up to {Backlog} " +
            $"deep. Every 2 s: `VmRSS`, `RssAnon` and `Threads` from `/proc/<pid>/status`, the entries of `/proc/<pid>/fd`, and `memory` " +
            $"(working set, managed heap) and `counts.Succeeded` from `/api/status`.").AppendLine();
        md.AppendLine("| | after 1k jobs | after 10k jobs | growth |").AppendLine("|---|---:|---:|---:|");
        md.AppendLine(inv, $"| jobs succeeded at the sample | {at1k.JobsSucceeded} | {final.JobsSucceeded} | |");
        md.AppendLine(inv, $"| RSS (MB) | {Mb(at1k.RssBytes):F1} | {Mb(final.RssBytes):F1} | {rssGrowth:P1} |");
        md.AppendLine(inv, $"| anonymous RSS (MB) | {Mb(at1k.RssAnonBytes):F1} | {Mb(final.RssAnonBytes):F1} | {anonGrowth:P1} |");
        md.AppendLine(inv, $"| managed heap (MB) | {Mb(at1k.ManagedHeapBytes):F1} | {Mb(final.ManagedHeapBytes):F1} | (sawtooth: GC) |");
        md.AppendLine(inv, $"| threads | {at1k.Threads} | {final.Threads} | |");
        md.AppendLine(inv, $"| open files (fds) | {at1k.OpenFiles} | {final.OpenFiles} | |").AppendLine();
        md.AppendLine(inv, $"Peak over the run: RSS {Mb(samples.Max(s => s.RssBytes)):F1} MB, managed heap {Mb(samples.Max(s => s.ManagedHeapBytes)):F1} MB, " +
            $"threads {samples.Max(s => s.Threads)}, open files {samples.Max(s => s.OpenFiles)}. Ten seconds idle after the last job: RSS {Mb(samples[^1].RssBytes):F1} MB, " +
            $"managed heap {Mb(samples[^1].ManagedHeapBytes):F1} MB, threads {samples[^1].Threads}, open files {samples[^1].OpenFiles}.").AppendLine();
        md.AppendLine("Throughput per 1 000 jobs (the first block includes warm-up):").AppendLine();
        md.AppendLine("| jobs | seconds | jobs/s |").AppendLine("|---|---:|---:|");
        foreach (var (from, to, seconds) in segments)
        {
            md.AppendLine(inv, $"| {from}–{to} | {seconds:F1} | {(to - from) / seconds:F1} |");
        }

        md.AppendLine().AppendLine(inv, $"Records at the end: {string.Join(", ", states.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}.").AppendLine();
        md.AppendLine(inv, $"Criteria (each NOT met when the run has no data for it): RSS growth from 1k to {jobs} jobs under 10 % ({Met(memoryFlat)}); " +
            $"throughput steady after the first block (slowest of at least two blocks at least 75 % of the fastest: {Met(steady)}); " +
            $"every job Succeeded ({Met(allSucceeded)}).").AppendLine();
        md.AppendLine("![memory](memory.svg)").AppendLine().AppendLine("![throughput](throughput.svg)").AppendLine();
        md.AppendLine("Raw samples: [samples.csv](samples.csv).");
        return md.ToString();
    }

    private static IEnumerable<(double X, double Y)> Rates(List<ProcessSample> samples)
    {
        for (var i = 1; i < samples.Count; i++)
        {
            var seconds = (samples[i].At - samples[i - 1].At).TotalSeconds;
            yield return (samples[i].At.TotalSeconds, seconds > 0 ? (samples[i].JobsSucceeded - samples[i - 1].JobsSucceeded) / seconds : 0);
        }
    }

    private static string Csv(List<ProcessSample> samples)
    {
        var csv = new StringBuilder("seconds,jobs_succeeded,rss_bytes,rss_anon_bytes,threads,open_files,working_set_bytes,managed_heap_bytes\n");
        foreach (var s in samples)
        {
            csv.AppendLine(CultureInfo.InvariantCulture, $"{s.At.TotalSeconds:F1},{s.JobsSucceeded},{s.RssBytes},{s.RssAnonBytes},{s.Threads},{s.OpenFiles},{s.WorkingSetBytes},{s.ManagedHeapBytes}");
        }

        return csv.ToString();
    }

    private static string Met(bool met) => met ? "met" : "NOT met";

    private static double Mb(long bytes) => bytes / 1024.0 / 1024.0;
}
