using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace FunctionsWorker.Chaos;

/// <summary>
/// One worker position (fixed HTTP port, fixed settings) whose process the harness kills, terminates and restarts;
/// every process it ran is kept with its log, for the run analysis.
/// </summary>
internal sealed class WorkerSlot : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly string _directory;
    private readonly List<WorkerIncarnation> _incarnations = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    public WorkerSlot(int slot, IReadOnlyDictionary<string, string> settings, string directory)
    {
        Slot = slot;
        _settings = settings;
        _directory = directory;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(10) };
        Http.DefaultRequestHeaders.Add("x-functions-key", FunctionKey);
    }

    /// <summary>The key every slot's worker runs with: outside Development the status and lists need one.</summary>
    public const string FunctionKey = "chaos-function-key";

    public int Slot { get; }

    public int Port { get; } = Ports.Free();

    public HttpClient Http { get; }

    public IReadOnlyList<WorkerIncarnation> Incarnations
    {
        get
        {
            lock (_incarnations)
            {
                return [.. _incarnations];
            }
        }
    }

    public WorkerIncarnation? Current
    {
        get
        {
            lock (_incarnations)
            {
                return _incarnations.Count > 0 && _incarnations[^1].End == WorkerEnd.Running ? _incarnations[^1] : null;
            }
        }
    }

    public async Task StartAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            StartLocked();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>kill -9 then a new process; the killed one's held messages return when their leases lapse.</summary>
    public async Task KillAndRestartAsync(TimeSpan downtime)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Current is { } current)
            {
                await current.Process.KillAsync().ConfigureAwait(false);
                Finish(current, WorkerEnd.Killed);
            }

            await Task.Delay(downtime).ConfigureAwait(false);
            StartLocked();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>SIGTERM, wait up to <paramref name="budget"/> for the exit (killed past it: a defect), then a new process.</summary>
    public async Task TerminateAndRestartAsync(TimeSpan budget, bool restart = true)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Current is { } current)
            {
                var clock = Stopwatch.StartNew();
                current.Process.Signal(15);
                var exited = await current.Process.WaitForExitAsync(budget).ConfigureAwait(false);
                current.StopTime = clock.Elapsed;
                if (!exited)
                {
                    await current.Process.KillAsync().ConfigureAwait(false);
                }

                Finish(current, exited ? WorkerEnd.Terminated : WorkerEnd.TerminateTimedOut);
            }

            if (restart)
            {
                StartLocked();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Restarts a process that exited by itself (a crash), recording it.</summary>
    public async Task<bool> ReviveIfCrashedAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Current is { } current && current.Process.HasExited)
            {
                Finish(current, WorkerEnd.Crashed);
                StartLocked();
                return true;
            }

            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Current is { } current)
        {
            await current.Process.KillAsync().ConfigureAwait(false);
            Finish(current, WorkerEnd.Killed);
        }

        Http.Dispose();
        _gate.Dispose();
    }

    private void StartLocked()
    {
        int number;
        lock (_incarnations)
        {
            number = _incarnations.Count + 1;
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PORT"] = Port.ToString(CultureInfo.InvariantCulture),
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["FunctionKey"] = FunctionKey,
        };
        // The worker starts through /bin/sh, which drops variables whose names are not shell names (Models__ocr-det__Source):
        // those go into local.settings.json in its content root, which the worker reads as app settings, as Functions does.
        var values = new JsonObject();
        foreach (var (key, value) in _settings)
        {
            var name = key.Replace(":", "__", StringComparison.Ordinal);
            if (name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                environment[name] = value;
            }
            else
            {
                values[name] = value;
            }
        }

        var workingDirectory = Path.Combine(_directory, $"w{Slot}");
        Directory.CreateDirectory(workingDirectory);
        File.WriteAllText(Path.Combine(workingDirectory, "local.settings.json"), new JsonObject { ["IsEncrypted"] = false, ["Values"] = values }.ToJsonString());
        var log = Path.Combine(_directory, $"w{Slot}.{number}.log");
        var process = ChildProcess.Start("dotnet", [RepositoryPaths.WorkerDll], environment, log, workingDirectory);
        lock (_incarnations)
        {
            _incarnations.Add(new WorkerIncarnation(Slot, number, process));
        }
    }

    private static void Finish(WorkerIncarnation incarnation, WorkerEnd end)
    {
        incarnation.End = end;
        incarnation.ExitCode = incarnation.Process.HasExited ? incarnation.Process.ExitCode : null;
    }
}
