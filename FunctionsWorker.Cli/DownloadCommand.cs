using System.CommandLine;

namespace FunctionsWorker.Cli;

/// <summary><c>fwjobs download</c>: copies every blob under a job's output prefix into a local folder.</summary>
internal static class DownloadCommand
{
    public static Command Create()
    {
        var storage = new StorageOptions();
        var names = new JobStoreOptions();
        var job = new Option<string>("--job") { Description = "Job id.", Required = true };
        var prefix = new Option<string?>("--prefix") { Description = "Output prefix [default: <jobId>/]." };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Folder to write to [default: ./<jobId>/]." };
        var command = new Command("download", "Download a job's outputs (result.json and the pipeline's files); prints the files written.")
        {
            job, prefix, output, names.OutputContainer,
        };
        storage.AddTo(command);
        CommandRunner.SetAction(command, null, async (parse, reporter, cancellationToken) =>
        {
            var id = JobIds.Validate(parse.GetValue(job)!);
            var blobPrefix = parse.GetValue(prefix) ?? $"{id}/";
            var target = Path.GetFullPath(parse.GetValue(output)?.FullName ?? Path.Combine(Environment.CurrentDirectory, id));
            var container = storage.Resolve(parse, Environment.GetEnvironmentVariable).BlobService().GetBlobContainerClient(parse.GetValue(names.OutputContainer));
            var files = 0;
            long bytes = 0;
            await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, blobPrefix, cancellationToken))
            {
                var path = LocalPath(target, blob.Name[blobPrefix.Length..]);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await container.GetBlobClient(blob.Name).DownloadToAsync(path, cancellationToken);
                Reporter.Result(path);
                files++;
                bytes += blob.Properties.ContentLength ?? 0;
            }

            if (files == 0)
            {
                throw CliException.BadInput($"no outputs under {container.Name}/{blobPrefix}.");
            }

            reporter.Event($"downloaded {files} file(s), {bytes} bytes, from {container.Name}/{blobPrefix} to {target}", []);
            return ExitCodes.Succeeded;
        });
        return command;
    }

    // A blob name is untrusted: it must land inside the target folder.
    private static string LocalPath(string target, string relative)
    {
        var path = Path.GetFullPath(Path.Combine(target, relative.TrimStart('/')));
        var root = target.EndsWith(Path.DirectorySeparatorChar) ? target : target + Path.DirectorySeparatorChar;
        return path.StartsWith(root, StringComparison.Ordinal) && relative.Length > 0
            ? path
            : throw CliException.BadInput($"blob name '{relative}' would be written outside {target}.");
    }
}
