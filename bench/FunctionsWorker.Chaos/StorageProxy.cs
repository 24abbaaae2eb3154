using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace FunctionsWorker.Chaos;

/// <summary>
/// A TCP proxy in front of one storage service (blob, queue or table) that the workers talk to instead of Azurite:
/// it can add latency to every answer, reset every open connection, cut the service (reset on accept) or hang it
/// (accept, read, never answer) until told to pass traffic again.
/// </summary>
internal sealed class StorageProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly ConcurrentDictionary<long, Socket> _open = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _next;
    private volatile ProxyMode _mode = ProxyMode.Pass;
    private volatile int _latencyMs;

    public StorageProxy(string service, int targetPort)
    {
        Service = service;
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(512);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptLoopAsync();
    }

    public string Service { get; }

    public int Port { get; }

    public ProxyMode Mode => _mode;

    public void SetLatency(TimeSpan latency) => _latencyMs = (int)latency.TotalMilliseconds;

    /// <summary>Switches the mode; cutting resets every open connection at once.</summary>
    public void SetMode(ProxyMode mode)
    {
        _mode = mode;
        if (mode == ProxyMode.Cut)
        {
            ResetAll();
        }
    }

    /// <summary>Resets every open connection (RST), as a load balancer or NAT that forgets its flows does.</summary>
    public void ResetAll()
    {
        foreach (var (id, socket) in _open)
        {
            Reset(socket);
            _open.TryRemove(id, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        ResetAll();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The accept loop ends by cancellation.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        var id = Interlocked.Increment(ref _next);
        if (_mode == ProxyMode.Cut)
        {
            Reset(client);
            return;
        }

        _open[id] = client;
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (_mode == ProxyMode.Hang)
            {
                await WaitWhileHungAsync(client).ConfigureAwait(false);
            }

            await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token).ConfigureAwait(false);
            _open[-id] = upstream;
            var up = PumpAsync(client, upstream, delay: false);
            var down = PumpAsync(upstream, client, delay: true);
            await Task.WhenAny(up, down).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // Azurite down, or the connection reset by a fault: the client sees a reset, as it would in production.
        }
        finally
        {
            _open.TryRemove(id, out _);
            _open.TryRemove(-id, out _);
            Reset(client);
        }
    }

    /// <summary>While hung, reads and discards whatever the client sends, so it sees its request accepted and waits.</summary>
    private async Task WaitWhileHungAsync(Socket client)
    {
        var sink = new byte[16 * 1024];
        while (_mode == ProxyMode.Hang && !_stop.IsCancellationRequested)
        {
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            tick.CancelAfter(200);
            try
            {
                if (await client.ReceiveAsync(sink, SocketFlags.None, tick.Token).ConfigureAwait(false) == 0)
                {
                    throw new IOException("client closed while the service hung");
                }
            }
            catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
            {
                // Poll the mode again.
            }
        }

        // A request read while hung is lost: the client never gets an answer on this connection.
        throw new IOException("hung connection abandoned");
    }

    private async Task PumpAsync(Socket from, Socket to, bool delay)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
            if (read == 0)
            {
                to.Shutdown(SocketShutdown.Send);
                return;
            }

            while (_mode == ProxyMode.Hang)
            {
                await Task.Delay(100, _stop.Token).ConfigureAwait(false);
            }

            if (_mode == ProxyMode.Cut)
            {
                throw new IOException("cut");
            }

            var latency = _latencyMs;
            if (delay && latency > 0)
            {
                await Task.Delay(latency, _stop.Token).ConfigureAwait(false);
            }

            await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token).ConfigureAwait(false);
        }
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
    }
}
