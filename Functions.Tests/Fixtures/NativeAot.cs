namespace Functions.Tests.Fixtures;

/// <summary>
/// The trait of the end-to-end tests that also run against the native AOT binary: scripts/test-aot.sh publishes it and
/// runs <c>dotnet test --filter NativeAot=true</c> with <see cref="WorkerProcess.NativeBinaryVariable"/> set.
/// </summary>
public static class NativeAot
{
    public const string Category = "NativeAot";

    public const string Included = "true";
}
