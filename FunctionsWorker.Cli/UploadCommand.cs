using System.CommandLine;
using System.Security.Cryptography;

namespace FunctionsWorker.Cli;

/// <summary><c>fwjobs upload</c>: puts a file into a container and prints its SHA-256 (what <c>Models:&lt;name&gt;:Sha256</c> wants).</summary>
internal static class UploadCommand
{
    public static Command Create()
    {
        var storage = new StorageOptions();
        var container = new Option<string>("--container") { Description = "Target container.", Required = true };
        var file = new Option<FileInfo>("--file") { Description = "File to upload.", Required = true };
        file.AcceptExistingOnly();
        var name = new Option<string?>("--name") { Description = "Blob name [default: the file's name]." };
        var command = new Command("upload", "Upload a file to blob storage and print its SHA-256.") { container, file, name };
        storage.AddTo(command);
        CommandRunner.SetAction(command, null, async (parse, _, cancellationToken) =>
        {
            var source = parse.GetValue(file)!;
            var blobName = parse.GetValue(name) ?? source.Name;
            var client = storage.Resolve(parse, Environment.GetEnvironmentVariable).BlobService().GetBlobContainerClient(parse.GetValue(container));
            await client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await using (var stream = source.OpenRead())
            {
                await client.GetBlobClient(blobName).UploadAsync(stream, overwrite: true, cancellationToken);
            }

            await using var hashed = source.OpenRead();
            var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(hashed, cancellationToken));
            Reporter.Result($"{client.Name}/{blobName} {source.Length} bytes sha256 {sha256}");
            return ExitCodes.Succeeded;
        });
        return command;
    }
}
