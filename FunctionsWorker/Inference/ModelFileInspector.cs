using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FunctionsWorker.Inference;

/// <summary>
/// Cheap checks that catch the usual broken model files before ONNX Runtime sees them, and say what is wrong in plain
/// words: empty, a Git LFS pointer instead of the model, or a truncated protobuf.
/// </summary>
internal static class ModelFileInspector
{
    public const string GitLfsPointerPrefix = "version https://git-lfs.github.com/spec/v1";

    /// <summary>LFS pointers are tiny text files (about 130 bytes); the spec caps them at 1024.</summary>
    private const int GitLfsPointerMaxBytes = 1024;

    private const int OnnxGraphField = 7;

    public static bool IsGitLfsPointer(ReadOnlySpan<byte> head, long fileLength) =>
        fileLength < GitLfsPointerMaxBytes && head.StartsWith(Encoding.ASCII.GetBytes(GitLfsPointerPrefix));

    /// <summary>Explains a pointer, with the real object's size when the pointer states it.</summary>
    public static string DescribeGitLfsPointer(ReadOnlySpan<byte> content)
    {
        var text = Encoding.ASCII.GetString(content);
        var sizeLine = text.Split('\n').FirstOrDefault(line => line.StartsWith("size ", StringComparison.Ordinal));
        var size = sizeLine is not null && long.TryParse(sizeLine.AsSpan(5).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)
            ? $" for a {bytes}-byte object"
            : string.Empty;
        return $"the file is a Git LFS pointer ({content.Length} bytes){size}, not the model itself: " +
               "the real file was never fetched (run 'git lfs pull' or upload the actual model)";
    }

    /// <summary>Returns what is wrong with the file in plain words, or null when it looks like a whole ONNX model.</summary>
    public static Task<string?> FindProblemAsync(string path, CancellationToken cancellationToken) =>
        FindProblemAsync(path, ModelKind.Onnx, cancellationToken);

    /// <summary>As above; a <see cref="ModelKind.File"/> is only checked for being empty or a Git LFS pointer.</summary>
    public static async Task<string?> FindProblemAsync(string path, ModelKind kind, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous);
        if (stream.Length == 0)
        {
            return "the file is empty (0 bytes)";
        }

        var head = new byte[(int)Math.Min(stream.Length, GitLfsPointerMaxBytes)];
        await stream.ReadExactlyAsync(head, cancellationToken);
        if (IsGitLfsPointer(head, stream.Length))
        {
            return DescribeGitLfsPointer(head);
        }

        if (kind == ModelKind.File)
        {
            return null;
        }

        stream.Position = 0;
        return FindProtobufProblem(stream);
    }

    /// <summary>
    /// Walks the top-level fields of the ModelProto without reading their contents (seeks only, so a 1 GB model costs
    /// a few reads): a field that runs past the end means the file is truncated.
    /// </summary>
    public static string? FindProtobufProblem(Stream stream)
    {
        var length = stream.Length;
        var sawGraph = false;
        while (stream.Position < length)
        {
            var fieldStart = stream.Position;
            if (!TryReadVarint(stream, out var tag))
            {
                return Truncated(length, $"it ends inside a field header at byte {fieldStart}");
            }

            var field = tag >> 3;
            if (field == 0)
            {
                return $"the file is not an ONNX model (invalid protobuf field 0 at byte {fieldStart})";
            }

            long skip;
            switch (tag & 7)
            {
                case 0:
                    if (!TryReadVarint(stream, out _))
                    {
                        return Truncated(length, $"it ends inside field {field}");
                    }

                    skip = 0;
                    break;
                case 1:
                    skip = 8;
                    break;
                case 2:
                    if (!TryReadVarint(stream, out var size) || size > long.MaxValue / 2)
                    {
                        return Truncated(length, $"it ends inside the length of field {field}");
                    }

                    skip = (long)size;
                    sawGraph |= field == OnnxGraphField;
                    break;
                case 5:
                    skip = 4;
                    break;
                default:
                    return $"the file is not an ONNX model (unexpected protobuf wire type {tag & 7} at byte {fieldStart})";
            }

            if (stream.Position + skip > length)
            {
                return Truncated(length, $"field {field} needs {stream.Position + skip - length} more bytes");
            }

            stream.Seek(skip, SeekOrigin.Current);
        }

        return sawGraph ? null : "the file is not an ONNX model (a protobuf without a graph)";
    }

    public static async Task<string> ComputeSha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    private static string Truncated(long length, string detail) =>
        $"the file is truncated ({length} bytes): the ONNX protobuf is incomplete, {detail}";

    private static bool TryReadVarint(Stream stream, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = stream.ReadByte();
            if (b < 0)
            {
                return false;
            }

            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }
}
