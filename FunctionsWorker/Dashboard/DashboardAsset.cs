namespace FunctionsWorker.Dashboard;

/// <summary>One file of the dashboard as it is served: its bytes, content type and entity tag.</summary>
internal sealed record DashboardAsset(ReadOnlyMemory<byte> Content, string ContentType, string ETag);
