using System.Net;
using System.Net.Sockets;
using System.Text;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using FunctionsWorker.Errors;
using FunctionsWorker.Inference;

namespace Functions.Tests.Integration;

/// <summary>
/// A model source cannot fill the cache volume or hold warm-up forever: a file over <c>Inference:MaxModelBytes</c>
/// and an HTTP body that stalls after its headers each fail the model with the reason, and the host keeps running.
/// </summary>
public sealed class ModelDownloadLimitTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task FileSourceOverMaxModelBytes_FailsTooLarge_NothingCached()
    {
        await File.WriteAllBytesAsync(_root.File("big.bin"), new byte[4096]);
        await using var host = await ModelCacheHost.StartAsync(_root.Path, new Dictionary<string, string?>
        {
            ["Models:big:Source"] = "file://big.bin",
            ["Models:big:Kind"] = "File",
            ["Inference:MaxModelBytes"] = "1000",
        });

        await Assert.ThrowsAsync<WorkerFaultException>(() => host.Cache.WarmAsync(CancellationToken.None));

        var status = Assert.Single(host.Cache.GetSnapshot().Models);
        Assert.Equal(ModelState.Failed, status.State);
        Assert.Equal("file://big.bin is too large: it declares 4096 bytes, the cap is 1000 (Inference:MaxModelBytes)", status.Error);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_root.Path, "cache"), "big.bin*"));
    }

    [Fact]
    public async Task HttpBodyThatStallsAfterItsHeaders_FailsStalledOnTheIdleTimeout_HostStaysUp()
    {
        await using var server = new StallingServer();
        var clock = new FakeTimeProvider();
        await using var host = await ModelCacheHost.StartAsync(_root.Path, new Dictionary<string, string?>
        {
            ["Models:stall:Source"] = $"http://127.0.0.1:{server.Port}/stall.onnx?sv=1&sig=secret",
            ["Models:stall:Sha256"] = new string('a', 64),
            ["Inference:ModelDownloadIdleTimeout"] = "00:00:30",
        }, configure: services => services.AddSingleton<TimeProvider>(clock));

        var warm = host.Cache.WarmAsync(CancellationToken.None);
        await server.HeadersSent.Task;
        await clock.AdvanceUntilAsync(() => warm.IsCompleted, TimeSpan.FromMinutes(10));

        await Assert.ThrowsAsync<WorkerFaultException>(() => warm);
        var status = Assert.Single(host.Cache.GetSnapshot().Models);
        Assert.Equal(ModelState.Failed, status.State);
        Assert.Equal($"download of http://127.0.0.1:{server.Port}/stall.onnx?… stalled: no byte for 00:00:30 after 10 bytes (Inference:ModelDownloadIdleTimeout)", status.Error);
    }

    /// <summary>A loopback HTTP server that answers one request with its headers and 10 of the 1 MB it promises, then sends nothing more.</summary>
    private sealed class StallingServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _serving;

        public StallingServer()
        {
            _listener.Start();
            _serving = ServeAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public TaskCompletionSource HeadersSent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _serving;
            _stop.Dispose();
        }

        private async Task ServeAsync()
        {
            try
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var stream = client.GetStream();
                var request = new byte[4096];
                _ = await stream.ReadAsync(request, _stop.Token);
                await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n"), _stop.Token);
                await stream.WriteAsync(new byte[10], _stop.Token);
                await stream.FlushAsync(_stop.Token);
                HeadersSent.TrySetResult();
                await Task.Delay(Timeout.Infinite, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The test is over.
            }
        }
    }
}
