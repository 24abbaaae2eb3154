using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace FunctionsWorker.Chaos;

/// <summary>
/// HTTP under saturation: one worker running 16 thumbnail jobs of a 12 MP JPEG at once (every core busy); health and
/// ready probed on fresh connections every 25 ms, first idle, then saturated, then saturated with back-to-back bursts
/// of 500 concurrent <c>/api/status</c> requests; job throughput with and without the bursts.
/// </summary>
internal sealed class SaturationRunner(TimeSpan phase, string? reportPath, string commandLine)
{
    private const int Concurrency = 16;
    private const int Burst = 500;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var large = ("sat/large.jpg", InputImages.Encode(4000, 3000, SkiaSharp.SKEncodedImageFormat.Jpeg));
        var extra = new Dictionary<string, string>(StringComparer.Ordinal) { ["AzureFunctionsJobHost:extensions:queues:batchSize"] = $"{Concurrency}" };
        await using var worker = await SingleWorker.StartAsync("saturation", extra, [large]).ConfigureAwait(false);
        Console.WriteLine($"saturation: worker pid {worker.Pid}, {Concurrency} jobs at once of a 4000×3000 JPEG, phases of {phase}");

        var idle = await MeasureAsync(worker, TimeSpan.FromSeconds(Math.Min(10, phase.TotalSeconds)), burst: false, cancellationToken).ConfigureAwait(false);
        using var stopFeeding = new CancellationTokenSource();
        var feeding = FeedAsync(worker, large.Item1, stopFeeding.Token);
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        var saturated = await MeasureAsync(worker, phase, burst: false, cancellationToken).ConfigureAwait(false);
        var bursting = await MeasureAsync(worker, phase, burst: true, cancellationToken).ConfigureAwait(false);
        var after = await MeasureAsync(worker, phase, burst: false, cancellationToken).ConfigureAwait(false);
        await stopFeeding.CancelAsync().ConfigureAwait(false);
        await feeding.ConfigureAwait(false);

        PhaseResult[] busy = [saturated, bursting, after];
        var healthP99 = busy.Max(p => p.Health.Percentile(99));
        var readyP99 = busy.Max(p => p.Ready.Percentile(99));
        var probesFast = SoakCriteria.ProbesFast([.. busy.SelectMany(p => new[] { p.Health, p.Ready })]);
        var baseline = (saturated.JobsPerSecond + after.JobsPerSecond) / 2;
        var slowdown = baseline > 0 ? 1 - (bursting.JobsPerSecond / baseline) : double.NaN;
        var burstsCheap = SoakCriteria.BurstsCheap(baseline, bursting.JobsPerSecond);
        var failures = new[] { idle, saturated, bursting, after }.Sum(p => p.Failures);
        var passed = probesFast && burstsCheap && failures == 0;

        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# HTTP under saturation").AppendLine();
        md.AppendLine(inv, $"**Result: {(passed ? "PASSED" : "FAILED")}** — {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, `{commandLine}`").AppendLine();
        md.AppendLine(inv, $"One worker process (Release, `batchSize` {Concurrency}) kept busy with `thumbnail` jobs of a 4000×3000 JPEG (`maxSide` 1024), " +
            $"the queue never empty. `/api/health` and `/api/ready` are probed alternately every 25 ms, each on a new TCP connection as a kubelet does; " +
            $"in the burst phase a separate client sends {Burst} concurrent `/api/status` requests, again as soon as the last one answers. " +
            $"CPU is the worker's utime+stime over the phase divided by wall time (200 % = both cores).").AppendLine();
        md.AppendLine("| phase | worker CPU | jobs/s | health n \\| p50 \\| p99 \\| max (ms) | ready n \\| p50 \\| p99 \\| max (ms) | failed probes |");
        md.AppendLine("|---|---:|---:|---|---|---:|");
        foreach (var (name, p) in new[] { ("idle", idle), ("saturated", saturated), ($"saturated + {Burst}-request status bursts", bursting), ("saturated again", after) })
        {
            md.AppendLine(inv, $"| {name} | {p.Cpu:P0} | {p.JobsPerSecond:F2} | {p.Health} | {p.Ready} | {p.Failures} |");
        }

        md.AppendLine();
        md.AppendLine(inv, $"Bursts: {bursting.Bursts.Count} of {Burst} `/api/status` requests; a whole burst answered in p50 {bursting.Bursts.Percentile(50):F0} ms, " +
            $"max {bursting.Bursts.Max:F0} ms; one status request p50 {bursting.Status.Percentile(50):F0} ms, p99 {bursting.Status.Percentile(99):F0} ms; " +
            $"non-200 status answers: {bursting.StatusFailures}.").AppendLine();
        md.AppendLine(inv, $"Job throughput with the bursts {bursting.JobsPerSecond:F2} jobs/s against {baseline:F2} without (mean of the phases before and after): " +
            $"{slowdown:P0} slower.").AppendLine();
        md.AppendLine(inv, $"Criteria (each NOT met when the run has no data for it): health and ready p99 under 100 ms while saturated ({(probesFast ? "met" : "NOT met")}: " +
            $"worst p99 health {healthP99:F1} ms, ready {readyP99:F1} ms); the bursts slow jobs by less than 15 % ({(burstsCheap ? "met" : "NOT met")}); no failed probe ({(failures == 0 ? "met" : "NOT met")}).");
        var report = md.ToString();
        Console.WriteLine(report);
        if (reportPath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);
            await File.WriteAllTextAsync(reportPath, report, cancellationToken).ConfigureAwait(false);
        }

        Console.WriteLine(passed ? "SATURATION: PASSED" : "SATURATION: FAILED");
        return passed ? 0 : 1;
    }

    private static async Task FeedAsync(SingleWorker worker, string blob, CancellationToken cancellationToken)
    {
        var next = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if ((await worker.Queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount < Concurrency * 3)
                {
                    for (var i = 0; i < Concurrency; i++)
                    {
                        await worker.Queue.SendMessageAsync(SingleWorker.ThumbnailJob($"sat-{next++:D6}", blob, 1024), cancellationToken).ConfigureAwait(false);
                    }
                }

                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<PhaseResult> MeasureAsync(SingleWorker worker, TimeSpan length, bool burst, CancellationToken cancellationToken)
    {
        var pid = worker.Pid;
        var sampler = new ProcessSampler(pid, worker.Slot.Http);
        var startJobs = (await sampler.SampleAsync(cancellationToken).ConfigureAwait(false)).JobsSucceeded;
        var startCpu = CpuSeconds(pid);
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(length);
        var result = new PhaseResult();
        var bursts = burst ? BurstAsync(worker.Slot.Port, result, stop.Token) : Task.CompletedTask;
        using var probe = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero, MaxConnectionsPerServer = 4 })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{worker.Slot.Port}"),
            Timeout = TimeSpan.FromSeconds(5),
        };
        probe.DefaultRequestHeaders.ConnectionClose = true;
        var health = new List<double>();
        var ready = new List<double>();
        var turn = 0;
        while (!stop.IsCancellationRequested)
        {
            var path = turn++ % 2 == 0 ? "/api/health" : "/api/ready";
            var watch = Stopwatch.StartNew();
            try
            {
                using var response = await probe.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
                (path == "/api/health" ? health : ready).Add(watch.Elapsed.TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    result.Failures++;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                result.Failures++;
            }

            await Task.Delay(25, CancellationToken.None).ConfigureAwait(false);
        }

        await bursts.ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        var endJobs = (await sampler.SampleAsync(cancellationToken).ConfigureAwait(false)).JobsSucceeded;
        result.Cpu = (CpuSeconds(pid) - startCpu) / seconds;
        result.JobsPerSecond = (endJobs - startJobs) / seconds;
        result.Health = new LatencyStats(health);
        result.Ready = new LatencyStats(ready);
        return result;
    }

    private static async Task BurstAsync(int port, PhaseResult result, CancellationToken stop)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Burst }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("x-functions-key", WorkerSlot.FunctionKey);
        var status = new ConcurrentBag<double>();
        var bursts = new List<double>();
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            var whole = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, Burst).Select(async _ =>
            {
                var watch = Stopwatch.StartNew();
                try
                {
                    using var response = await client.GetAsync(new Uri("/api/status", UriKind.Relative), CancellationToken.None).ConfigureAwait(false);
                    status.Add(watch.Elapsed.TotalMilliseconds);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref failures);
                }
            })).ConfigureAwait(false);
            bursts.Add(whole.Elapsed.TotalMilliseconds);
        }

        result.Status = new LatencyStats(status);
        result.Bursts = new LatencyStats(bursts);
        result.StatusFailures = failures;
    }

    /// <summary>utime + stime of the process, in seconds (fields 14 and 15 of /proc/&lt;pid&gt;/stat, in clock ticks of 1/100 s).</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>What one phase measured.</summary>
    private sealed class PhaseResult
    {
        public double Cpu { get; set; }

        public double JobsPerSecond { get; set; }

        public LatencyStats Health { get; set; } = new([]);

        public LatencyStats Ready { get; set; } = new([]);

        public int Failures { get; set; }

        public LatencyStats Status { get; set; } = new([]);

        public LatencyStats Bursts { get; set; } = new([]);

        public int StatusFailures { get; set; }
    }
}
