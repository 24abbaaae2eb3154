using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace FunctionsWorker.Chaos;

/// <summary>
/// A child process whose output goes straight to a log file (through <c>sh -c exec</c>, so the pid is the program's own
/// and a kill -9 hits it, not a shell); signalled by pid.
/// </summary>
internal sealed partial class ChildProcess : IDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process, string logPath)
    {
        _process = process;
        LogPath = logPath;
        StartedAt = DateTimeOffset.UtcNow;
    }

    public int Id => _process.Id;

    public string LogPath { get; }

    public DateTimeOffset StartedAt { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static ChildProcess Start(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string logPath, string workingDirectory)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = workingDirectory };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$CHAOS_LOG\" 2>&1");
        start.ArgumentList.Add(program);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["CHAOS_LOG"] = logPath;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        return new ChildProcess(process, logPath);
    }

    public void Signal(int signal)
    {
        if (!_process.HasExited && Kill(_process.Id, signal) != 0 && !_process.HasExited)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"kill -{signal} {_process.Id} failed"));
        }
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL and wait: nothing of the process runs after this returns.</summary>
    public async Task KillAsync()
    {
        Signal(9);
        await _process.WaitForExitAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
