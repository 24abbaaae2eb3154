namespace FunctionsWorker.Bench;

/// <summary>One input image of the bench: its file name (without extension), PNG bytes and pixel size.</summary>
internal sealed record BenchImage(string Name, byte[] Content, int Width, int Height);
