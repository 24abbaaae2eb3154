using System.Globalization;
using System.Text.RegularExpressions;

namespace FunctionsWorker.Chaos;

/// <summary>
/// Reads every worker log of a run: each pipeline run per job (event 100) with how it ended (101 succeeded, 102 failed
/// with its next state, 103 released at shutdown, or the end of the process), and counts of the events that explain
/// re-deliveries (104 already succeeded, 106 waits for another delivery, 108 result.json found, 4/15 lease lost).
/// </summary>
internal sealed partial class WorkerLogAnalysis
{
    public Dictionary<string, List<JobRun>> RunsByJob { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, int> Events { get; } = new(StringComparer.Ordinal);

    /// <summary>Error and critical lines that are not job failures (event 102 is a warning), first few kept verbatim.</summary>
    public List<string> Errors { get; } = [];

    public int ErrorLines { get; private set; }

    /// <summary>Critical lines, unhandled exceptions and messages that failed unexpectedly (event 8): defects, unlike the
    /// error lines a storage outage causes (a record that could not be written, event 105).</summary>
    public int FatalLines { get; private set; }

    public static WorkerLogAnalysis Read(IEnumerable<WorkerIncarnation> incarnations)
    {
        var analysis = new WorkerLogAnalysis();
        foreach (var incarnation in incarnations)
        {
            analysis.ReadOne(incarnation);
        }

        foreach (var runs in analysis.RunsByJob.Values)
        {
            runs.Sort((a, b) => a.At.CompareTo(b.At));
        }

        return analysis;
    }

    private void ReadOne(WorkerIncarnation incarnation)
    {
        if (!File.Exists(incarnation.Process.LogPath))
        {
            return;
        }

        var open = new Dictionary<string, JobRun>(StringComparer.Ordinal);
        var start = incarnation.Process.StartedAt;
        foreach (var line in File.ReadLines(incarnation.Process.LogPath))
        {
            var fatal = line.Contains(" crit: ", StringComparison.Ordinal) || line.StartsWith("Unhandled exception", StringComparison.Ordinal) ||
                line.Contains("failed unexpectedly", StringComparison.Ordinal);
            if (fatal)
            {
                FatalLines++;
            }

            if (fatal || line.Contains(" fail: ", StringComparison.Ordinal))
            {
                ErrorLines++;
                if (Errors.Count < 20)
                {
                    Errors.Add($"{incarnation.Name}: {Truncate(line)}");
                }
            }

            var eventId = EventId().Match(line);
            if (eventId.Success)
            {
                var key = $"{eventId.Groups["category"].Value.Split('.')[^1]}[{eventId.Groups["id"].Value}]";
                Events[key] = Events.GetValueOrDefault(key) + 1;
            }

            if (Running().Match(line) is { Success: true } running)
            {
                var run = new JobRun(incarnation.Name, At(start, line), running.Groups["job"].Value, running.Groups["msg"].Value,
                    int.Parse(running.Groups["dc"].Value, CultureInfo.InvariantCulture));
                open[run.JobId + "/" + run.MessageId] = run;
                if (!RunsByJob.TryGetValue(run.JobId, out var runs))
                {
                    RunsByJob[run.JobId] = runs = [];
                }

                runs.Add(run);
            }
            else if (Succeeded().Match(line) is { Success: true } succeeded)
            {
                Close(open, succeeded.Groups["job"].Value, succeeded.Groups["msg"].Value, "succeeded");
            }
            else if (Failed().Match(line) is { Success: true } failed)
            {
                Close(open, failed.Groups["job"].Value, failed.Groups["msg"].Value,
                    $"{failed.Groups["state"].Value} after a {failed.Groups["class"].Value} failure {failed.Groups["type"].Value}");
            }
            else if (ReleasedAtShutdown().Match(line) is { Success: true } released)
            {
                Close(open, released.Groups["job"].Value, released.Groups["msg"].Value, "released at shutdown (SIGTERM)");
            }
            else if (LeaseLostDuringJob().Match(line) is { Success: true } lost)
            {
                foreach (var run in open.Values.Where(r => r.MessageId == lost.Groups["msg"].Value))
                {
                    run.LeaseLost = true;
                }
            }
        }

        var ending = incarnation.End switch
        {
            WorkerEnd.Killed => "process killed (kill -9) mid-job",
            WorkerEnd.Terminated => "process exited at SIGTERM mid-job",
            WorkerEnd.TerminateTimedOut => "process killed after SIGTERM timed out",
            WorkerEnd.Crashed => "process crashed mid-job",
            _ => "still running at the end of the run",
        };
        foreach (var run in open.Values)
        {
            run.Ending = ending;
        }
    }

    private static void Close(Dictionary<string, JobRun> open, string jobId, string messageId, string ending)
    {
        if (open.Remove(jobId + "/" + messageId, out var run))
        {
            run.Ending = run.LeaseLost ? ending + ", lease lost during the run" : ending;
        }
    }

    private static DateTimeOffset At(DateTimeOffset start, string line)
    {
        if (line.Length < 12 || !TimeSpan.TryParseExact(line[..12], @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture, out var time))
        {
            return start;
        }

        var at = new DateTimeOffset(start.UtcDateTime.Date + time, TimeSpan.Zero);
        return at < start.AddHours(-1) ? at.AddDays(1) : at;
    }

    private static string Truncate(string line) => line.Length > 300 ? line[..300] + "…" : line;

    [GeneratedRegex(@" (?<category>[A-Za-z0-9_.]+)\[(?<id>\d+)\]")]
    private static partial Regex EventId();

    [GeneratedRegex(@"Job (?<job>[A-Za-z0-9_-]+) Running: message (?<msg>[0-9a-fA-F-]+), dequeue count (?<dc>\d+)")]
    private static partial Regex Running();

    [GeneratedRegex(@"Job (?<job>[A-Za-z0-9_-]+) Succeeded: message (?<msg>[0-9a-fA-F-]+)")]
    private static partial Regex Succeeded();

    [GeneratedRegex(@"Job (?<job>[A-Za-z0-9_-]+) (?<state>Retrying|Released|Poisoned|Running|Succeeded): message (?<msg>[0-9a-fA-F-]+), dequeue count \d+, (?<class>\S+) failure (?<type>\S+)")]
    private static partial Regex Failed();

    [GeneratedRegex(@"Job (?<job>[A-Za-z0-9_-]+) Released at shutdown: message (?<msg>[0-9a-fA-F-]+)")]
    private static partial Regex ReleasedAtShutdown();

    [GeneratedRegex(@"Message (?<msg>[0-9a-fA-F-]+), dequeue count \d+: lease lost during the job")]
    private static partial Regex LeaseLostDuringJob();
}
