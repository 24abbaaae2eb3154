using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>
/// Turns a relative <see cref="OcrOptions.DictionaryPath"/> into an absolute one: the first existing match found walking
/// up from the content root, then from the app's base directory (the npm assets sit in the repository root, above
/// bin/ in development); when nothing matches the content-root path is kept so the validation message names it.
/// </summary>
internal sealed class OcrDictionaryPathSetup(IHostEnvironment environment) : IPostConfigureOptions<OcrOptions>
{
    public void PostConfigure(string? name, OcrOptions options) =>
        options.DictionaryPath = Resolve(options.DictionaryPath, environment.ContentRootPath, AppContext.BaseDirectory);

    public static string Resolve(string path, params string[] roots)
    {
        if (string.IsNullOrWhiteSpace(path) || Path.IsPathFullyQualified(path))
        {
            return path;
        }

        foreach (var root in roots)
        {
            for (var dir = new DirectoryInfo(root); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, path);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return Path.GetFullPath(path, roots.Length > 0 ? roots[0] : Environment.CurrentDirectory);
    }
}
