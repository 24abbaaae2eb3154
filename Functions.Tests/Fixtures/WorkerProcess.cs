using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Functions.Tests.Fixtures;

/// <summary>
/// The real worker as its own process, for black-box tests: start, SIGTERM, kill -9. It runs <c>dotnet FunctionsWorker.dll</c>
/// from the build, or the native AOT binary named by <see cref="NativeBinaryVariable"/> (scripts/test.sh publishes it and runs
/// the tests of trait <see cref="NativeAot.Category"/> against it).
/// </summary>
public sealed partial class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    /// <summary>The FunctionKey a Production worker gets when its test names none: the worker is closed by default.</summary>
    public const string TestKey = "worker-process-test-key";

    private WorkerProcess(Process process, int port, string? key)
    {
        _process = process;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        if (key is not null)
        {
            Http.DefaultRequestHeaders.Add("x-functions-key", key);
        }

        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public HttpClient Http { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output => string.Join('\n', _output);

    /// <summary>The environment variable holding the path of a native AOT publish's <c>FunctionsWorker</c> binary to test instead of the build.</summary>
    public const string NativeBinaryVariable = "FUNCTIONS_WORKER_AOT";

    /// <summary>The native AOT binary under test, or null when the tests run <c>dotnet FunctionsWorker.dll</c>.</summary>
    public static string? NativeBinary { get; } = FindNativeBinary();

    /// <summary>The folder of the worker under test (its binary, host.json, native libraries): the build's or the AOT publish's.</summary>
    public static string BinariesDirectory => Path.GetDirectoryName(NativeBinary ?? WorkerDll)!;

    public static string WorkerDll => Path.Combine(RepositoryPaths.BuildOutput("FunctionsWorker"), "FunctionsWorker.dll");

    /// <summary>Starts the worker in an empty content root with the given app settings as environment variables.</summary>
    public static WorkerProcess Start(IDictionary<string, string> settings, int? port = null) => Start(settings, new Dictionary<string, string>(), port);

    /// <summary>Starts the worker in a content root holding <paramref name="files"/> (name → text: host.json, local.settings.json).</summary>
    public static WorkerProcess Start(IDictionary<string, string> settings, IDictionary<string, string> files, int? port = null) =>
        StartBuild(NativeBinary ?? WorkerDll, settings, files, port);

    /// <summary>
    /// Starts another build of the worker than the one under test (the GPU flavour's): a FunctionsWorker.dll, run by
    /// dotnet, or a native binary.
    /// </summary>
    public static WorkerProcess StartBuild(string worker, IDictionary<string, string> settings, IDictionary<string, string> files, int? port = null)
    {
        var chosenPort = port ?? FreePort();
        var contentRoot = Directory.CreateTempSubdirectory("worker-e2e-").FullName;
        foreach (var (name, text) in files)
        {
            File.WriteAllText(Path.Combine(contentRoot, name), text);
        }

        var managed = worker.EndsWith(".dll", StringComparison.Ordinal);
        var start = new ProcessStartInfo(managed ? "dotnet" : worker)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = contentRoot,
        };
        if (managed)
        {
            start.ArgumentList.Add(worker);
        }

        start.Environment["PORT"] = chosenPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // Closed by default outside Development: a test that names neither a key nor Development gets TestKey, sent by Http.
        var development = settings.TryGetValue("ASPNETCORE_ENVIRONMENT", out var environment) && environment == "Development";
        var functionKey = settings.TryGetValue("FunctionKey", out var given) ? given : development ? null : TestKey;
        if (functionKey is not null)
        {
            start.Environment["FunctionKey"] = functionKey;
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException(start.FileName + " did not start");
        return new WorkerProcess(process, chosenPort, functionKey is { Length: > 0 } ? functionKey : null);
    }

    /// <summary>
    /// Polls <c>/api/ready</c>, which must stay 503 meanwhile, until its reasons mention <paramref name="text"/>; returns
    /// them. A model turns Failed inside its warm-up task a moment before the task itself reports the failure.
    /// </summary>
    public async Task<string> WaitForNotReadyReasonAsync(string text, int seconds)
    {
        var reasons = string.Empty;
        await Eventually.HoldsAsync(async () =>
        {
            var ready = await Http.GetAsync("/api/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            reasons = await ready.Content.ReadAsStringAsync();
            return reasons.Contains(text, StringComparison.Ordinal);
        }, seconds);
        return reasons;
    }

    public void Terminate()
    {
        if (Kill(_process.Id, 15) != 0)
        {
            throw new InvalidOperationException($"kill -TERM {_process.Id} failed");
        }
    }

    public void KillHard() => _process.Kill(entireProcessTree: true);

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string? FindNativeBinary()
    {
        var path = Environment.GetEnvironmentVariable(NativeBinaryVariable);
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        // Named but missing is an error, never a quiet fall-back to the JIT build.
        var full = Path.GetFullPath(path, RepositoryPaths.Root);
        return File.Exists(full)
            ? full
            : throw new InvalidOperationException($"{NativeBinaryVariable}={path}: no such file. Publish it first (scripts/test-aot.sh does).");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
