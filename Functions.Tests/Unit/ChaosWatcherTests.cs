using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;
using FunctionsWorker.Chaos;

namespace Functions.Tests.Unit;

/// <summary>
/// The chaos harness stops its result watcher when the load is over; a scan still waiting on storage then must end the
/// watcher quietly. Before, the cancelled request's exception escaped, and System.CommandLine turned it into exit code 1
/// with no message (a short chaos run failed that way under a loaded test suite).
/// </summary>
public sealed class ChaosWatcherTests
{
    [Fact]
    public async Task ResultWatcher_StoppedWhileAScanWaitsOnStorage_EndsWithoutThrowing()
    {
        // Storage that takes connections and never answers: the scan is in flight when the stop comes.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = new List<Socket>();
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stopAccepting = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    accepted.Add(await listener.AcceptSocketAsync(stopAccepting.Token));
                    connected.TrySetResult();
                }
            }
            catch (OperationCanceledException)
            {
                // The listener stops only after this loop has.
            }
        });
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var outputs = new BlobContainerClient(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Convert.ToBase64String(new byte[64])};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;",
            "outputs");
        var watcher = new ResultWatcher(outputs, paused: () => false);
        using var stop = new CancellationTokenSource();

        var watching = watcher.RunAsync(TimeSpan.FromSeconds(2), stop.Token);
        await connected.Task;

        await stop.CancelAsync();
        await watching;

        Assert.True(watching.IsCompletedSuccessfully);
        Assert.Empty(watcher.FirstSeen);
        await stopAccepting.CancelAsync();
        await accepting;
        listener.Stop();
        foreach (var socket in accepted)
        {
            socket.Dispose();
        }
    }
}
