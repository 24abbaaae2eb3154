using System.Diagnostics.CodeAnalysis;

namespace FunctionsWorker.Inference;

/// <summary>
/// A parsed <c>Models:&lt;name&gt;:Source</c>; its <see cref="Scheme"/> picks the <see cref="IModelSourceOpener"/>:
/// <c>blob://&lt;container&gt;/&lt;path&gt;</c> in the AzureWebJobsStorage account, <c>file://&lt;path&gt;</c>
/// (<c>file:///abs/path</c> is absolute, anything else is relative to the content root), <c>https://&lt;url&gt;</c>
/// (a SAS URL, for example) or <c>http://</c> to a loopback host (the storage emulator).
/// </summary>
/// <param name="Url">The full address of an http(s) source, query included; never logged or reported.</param>
internal sealed record ModelSource(string Scheme, string Container, string Path, Uri? Url = null)
{
    public const string BlobScheme = "blob";
    public const string FileScheme = "file";
    public const string HttpsScheme = "https";
    public const string HttpScheme = "http";

    /// <summary>The accepted forms, for validation messages.</summary>
    public const string Expected =
        "expected blob://<container>/<path>, file://<path>, https://<url> or http://<loopback host>/<path>";

    /// <summary>The file name's extension (".onnx", ".txt"), empty when it has none.</summary>
    public string Extension => System.IO.Path.GetExtension(Path);

    // A SAS query is a credential: status and logs show the address without it.
    public override string ToString() => Scheme switch
    {
        BlobScheme => $"blob://{Container}/{Path}",
        FileScheme => $"file://{Path}",
        _ => $"{Scheme}://{Url!.Authority}{Url.AbsolutePath}{(Url.Query.Length > 1 ? "?…" : string.Empty)}",
    };

    public static ModelSource Parse(string? value) =>
        TryParse(value, out var source, out var error) ? source : throw new FormatException(error);

    public static bool TryParse(string? value, [NotNullWhen(true)] out ModelSource? source, [NotNullWhen(false)] out string? error)
    {
        source = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = $"the source is empty; {Expected}";
            return false;
        }

        if (value.StartsWith(BlobScheme + "://", StringComparison.OrdinalIgnoreCase))
        {
            return TryParseBlob(value, out source, out error);
        }

        if (value.StartsWith(FileScheme + "://", StringComparison.OrdinalIgnoreCase))
        {
            // '..' is allowed here on purpose: file sources come from the operator's settings, not from jobs, and a
            // development run from the project folder reaches the repository's node_modules that way.
            var path = value[(FileScheme.Length + 3)..];
            if (path.Length == 0 || path.EndsWith('/') || path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
            {
                error = $"'{value}' names no file; expected file://<path>";
                return false;
            }

            source = new ModelSource(FileScheme, string.Empty, path);
            error = null;
            return true;
        }

        if (value.StartsWith(HttpsScheme + "://", StringComparison.OrdinalIgnoreCase)
            || value.StartsWith(HttpScheme + "://", StringComparison.OrdinalIgnoreCase))
        {
            return TryParseHttp(value, out source, out error);
        }

        error = $"'{value}' has an unsupported scheme; {Expected}";
        return false;
    }

    private static bool TryParseBlob(string value, [NotNullWhen(true)] out ModelSource? source, [NotNullWhen(false)] out string? error)
    {
        source = null;
        var rest = value[(BlobScheme.Length + 3)..];
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

        source = new ModelSource(BlobScheme, container, path);
        error = null;
        return true;
    }

    private static bool TryParseHttp(string value, [NotNullWhen(true)] out ModelSource? source, [NotNullWhen(false)] out string? error)
    {
        source = null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || url.AbsolutePath.Length <= 1 || url.AbsolutePath.EndsWith('/'))
        {
            error = $"'{Redacted(value)}' is not a URL naming a file";
            return false;
        }

        // Plain http would carry a SAS token in clear text; it is only for the emulator on this machine.
        if (url.Scheme == HttpScheme && !url.IsLoopback)
        {
            error = $"'{Redacted(value)}' uses http:// to a remote host; use https:// (http:// is accepted only for a loopback host such as the storage emulator)";
            return false;
        }

        source = new ModelSource(url.Scheme, string.Empty, Uri.UnescapeDataString(url.AbsolutePath), url);
        error = null;
        return true;
    }

    private static string Redacted(string value)
    {
        var query = value.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? value : value[..query] + "?…";
    }

    private static bool IsContainerName(string name) =>
        name.Length is >= 3 and <= 63
        && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
        && name[0] != '-' && name[^1] != '-'
        && !name.Contains("--", StringComparison.Ordinal);
}
