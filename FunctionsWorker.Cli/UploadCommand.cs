using System.CommandLine;
using System.Security.Cryptography;
using Azure.Storage.Blobs;

namespace FunctionsWorker.Cli;

/// <summary><c>fwjobs upload</c>: puts a file into a container and prints its SHA-256 (what <c>Models:&lt;name&gt;:Sha256</c> wants).</summary>
internal static class UploadCommand
{
    public static Command Create()
    {
        var storage = CommonOptions.Storage();
        var container = new Option<string>("--container") { Description = "Target container.", Required = true };
        var file = new Option<FileInfo>("--file") { Description = "File to upload.", Required = true };
        var name = new Option<string?>("--name") { Description = "Blob name (default: the file's name)." };
        var command = new Command("upload", "Upload a file to blob storage and print its SHA-256.") { storage, container, file, name };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var source = parse.GetValue(file)!;
            var blobName = parse.GetValue(name) ?? source.Name;
            var client = new BlobContainerClient(parse.GetValue(storage), parse.GetValue(container));
            await client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await using (var stream = source.OpenRead())
            {
                await client.GetBlobClient(blobName).UploadAsync(stream, overwrite: true, cancellationToken);
            }

            await using var hashed = source.OpenRead();
            var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(hashed, cancellationToken));
            Console.WriteLine($"{client.Name}/{blobName} {source.Length} bytes sha256 {sha256}");
            return 0;
        });
        return command;
    }
}
