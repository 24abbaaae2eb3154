using Microsoft.Extensions.Hosting;

namespace FunctionsWorker.Inference;

/// <summary>Reads <c>file://</c> sources (a relative path is taken from the content root), for files baked into the image or installed by npm.</summary>
internal sealed class FileModelSourceOpener(IHostEnvironment environment) : IModelSourceOpener
{
    public string Scheme => ModelSource.FileScheme;

    public Task<ModelDownload> OpenAsync(ModelSource source, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(source.Path, environment.ContentRootPath);
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult(new ModelDownload(stream, stream.Length));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // Retryable: a volume may be mounted after the worker starts.
            throw new ModelLoadException("model-source-missing", $"{source}: there is no file at {path}", retryable: true, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException("model-source-unavailable", $"{source} could not be read: {ex.Message}", retryable: true, ex);
        }
    }
}
