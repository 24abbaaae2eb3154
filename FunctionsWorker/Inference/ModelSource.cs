using System.Diagnostics.CodeAnalysis;

namespace FunctionsWorker.Inference;

/// <summary>
/// A parsed <c>Models:&lt;name&gt;:Source</c>: <c>blob://&lt;container&gt;/&lt;path&gt;</c> or <c>file://&lt;path&gt;</c>
/// (<c>file:///abs/path</c> is absolute, anything else is relative to the content root).
/// </summary>
internal sealed record ModelSource(ModelSourceKind Kind, string Container, string Path)
{
    private const string BlobScheme = "blob://";
    private const string FileScheme = "file://";

    public override string ToString() => Kind == ModelSourceKind.Blob ? $"{BlobScheme}{Container}/{Path}" : $"{FileScheme}{Path}";

    public static ModelSource Parse(string? value) =>
        TryParse(value, out var source, out var error) ? source : throw new FormatException(error);

    public static bool TryParse(string? value, [NotNullWhen(true)] out ModelSource? source, [NotNullWhen(false)] out string? error)
    {
        source = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "the source is empty; expected blob://<container>/<path> or file://<path>";
            return false;
        }

        if (value.StartsWith(BlobScheme, StringComparison.OrdinalIgnoreCase))
        {
            var rest = value[BlobScheme.Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            var container = slash < 0 ? rest : rest[..slash];
            var path = slash < 0 ? string.Empty : rest[(slash + 1)..];
            if (!IsContainerName(container))
            {
                error = $"'{container}' in '{value}' is not a valid container name (3-63 lowercase letters, digits and single hyphens)";
                return false;
            }

            if (path.Length == 0 || path.EndsWith('/'))
            {
                error = $"'{value}' names no blob; expected blob://<container>/<path>";
                return false;
            }

            // The worker reads only its own account's containers: a relative segment could step outside the intended one.
            if (path.Split('/', '\\').Any(segment => segment is ".." or "." || segment.Length == 0))
            {
                error = $"'{value}' has an empty, '.' or '..' path segment; blob paths must be plain";
                return false;
            }

            source = new ModelSource(ModelSourceKind.Blob, container, path);
            error = null;
            return true;
        }

        if (value.StartsWith(FileScheme, StringComparison.OrdinalIgnoreCase))
        {
            // '..' is allowed here on purpose: file sources come from the operator's settings, not from jobs, and a
            // development run from the project folder reaches the repository's node_modules that way.
            var path = value[FileScheme.Length..];
            if (path.Length == 0 || path.EndsWith('/') || path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
            {
                error = $"'{value}' names no file; expected file://<path>";
                return false;
            }

            source = new ModelSource(ModelSourceKind.File, string.Empty, path);
            error = null;
            return true;
        }

        error = $"'{value}' has an unsupported scheme; expected blob://<container>/<path> or file://<path>";
        return false;
    }

    private static bool IsContainerName(string name) =>
        name.Length is >= 3 and <= 63
        && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
        && name[0] != '-' && name[^1] != '-'
        && !name.Contains("--", StringComparison.Ordinal);
}
