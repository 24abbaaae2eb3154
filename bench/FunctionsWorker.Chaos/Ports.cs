using System.Net;
using System.Net.Sockets;

namespace FunctionsWorker.Chaos;

/// <summary>Free loopback ports, chosen once so a restarted Azurite or worker comes back on the same address.</summary>
internal static class Ports
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
