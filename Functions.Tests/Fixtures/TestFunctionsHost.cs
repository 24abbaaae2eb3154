using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Threading.Channels;
using Functions.Tests.Fixtures.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Functions.Tests.Fixtures;

/// <summary>
/// The Functions host's side of the FunctionRpc protocol, for one worker: a gRPC server on a free loopback port that
/// starts the isolated worker process the way the host does (its command line) and exchanges
/// <see cref="StreamingMessage"/>s with it over the one event stream.
/// </summary>
public sealed class TestFunctionsHost : IAsyncDisposable
{
    private WebApplication? _server;
    private readonly Channel<StreamingMessage> _fromWorker = Channel.CreateUnbounded<StreamingMessage>();
    private readonly Channel<StreamingMessage> _toWorker = Channel.CreateUnbounded<StreamingMessage>();
    private readonly List<string> _logs = [];
    private Process? _worker;

    public int Port => new Uri(_server!.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First()).Port;

    /// <summary>The worker's output and its RpcLog messages, for a failure's message.</summary>
    public string Logs
    {
        get
        {
            lock (_logs)
            {
                return string.Join('\n', _logs);
            }
        }
    }

    public static async Task<TestFunctionsHost> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = null);
        var host = new TestFunctionsHost();
        builder.Services.AddSingleton(host);
        host._server = builder.Build();
        host._server.MapGrpcService<FunctionRpcService>();
        await host._server.StartAsync();
        return host;
    }

    /// <summary>Starts the worker as the host does: <c>dotnet &lt;worker&gt;.dll</c> with the host's gRPC arguments and the app settings as environment.</summary>
    public void StartWorker(string workerDll, string workerId, string requestId, IDictionary<string, string> settings)
    {
        var uri = $"http://127.0.0.1:{Port}/";
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(workerDll)!,
        };
        var max = int.MaxValue.ToString(CultureInfo.InvariantCulture);
        foreach (var argument in new[]
                 {
                     workerDll, "--host", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture), "--workerId", workerId,
                     "--requestId", requestId, "--grpcMaxMessageLength", max, "--functions-uri", uri, "--functions-worker-id", workerId,
                     "--functions-request-id", requestId, "--functions-grpc-max-message-length", max,
                 })
        {
            start.ArgumentList.Add(argument);
        }

        // What the host sets for every worker it starts: the app's folder (the worker loads functions relative to it).
        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = start.WorkingDirectory;
        start.Environment["FUNCTIONS_WORKER_DIRECTORY"] = start.WorkingDirectory;
        start.Environment["AZURE_FUNCTIONS_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        _worker = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        _worker.OutputDataReceived += (_, e) => Log(e.Data);
        _worker.ErrorDataReceived += (_, e) => Log(e.Data);
        _worker.BeginOutputReadLine();
        _worker.BeginErrorReadLine();
    }

    public ValueTask SendAsync(StreamingMessage message) => _toWorker.Writer.WriteAsync(message);

    /// <summary>
    /// The next message from the worker that is not a log line (those are kept for <see cref="Logs"/>) and not empty:
    /// the worker answers an InvocationCancel with a message of no content, which the host ignores too.
    /// </summary>
    public async Task<StreamingMessage> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await _fromWorker.Reader.ReadAsync(cancellationToken);
            if (message.ContentCase == StreamingMessage.ContentOneofCase.None && message.CalculateSize() == message.RequestId.Length + 2)
            {
                continue;
            }

            if (message.ContentCase != StreamingMessage.ContentOneofCase.RpcLog)
            {
                return message;
            }

            Log($"[{message.RpcLog.Level}] {message.RpcLog.Category}: {message.RpcLog.Message} {message.RpcLog.Exception?.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _toWorker.Writer.TryComplete();
        if (_worker is { HasExited: false })
        {
            _worker.Kill(entireProcessTree: true);
            await _worker.WaitForExitAsync();
        }

        _worker?.Dispose();
        if (_server is not null)
        {
            await _server.StopAsync();
            await _server.DisposeAsync();
        }
    }

    private void Log(string? line)
    {
        if (line is not null)
        {
            lock (_logs)
            {
                _logs.Add(line);
            }
        }
    }

    /// <summary>The FunctionRpc service: one event stream, the worker's messages in, the test's messages out.</summary>
    private sealed class FunctionRpcService(TestFunctionsHost host) : FunctionRpc.FunctionRpcBase
    {
        public override async Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
        {
            var pump = Task.Run(async () =>
            {
                await foreach (var message in host._toWorker.Reader.ReadAllAsync(context.CancellationToken))
                {
                    await responseStream.WriteAsync(message, context.CancellationToken);
                }
            }, context.CancellationToken);
            await foreach (var message in requestStream.ReadAllAsync(context.CancellationToken))
            {
                await host._fromWorker.Writer.WriteAsync(message, context.CancellationToken);
            }

            await pump;
        }
    }
}
