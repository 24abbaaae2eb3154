using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CsCheck;
using Functions.Tests.Fixtures;
using FunctionsWorker.Configuration;

namespace Functions.Tests.Fuzz;

/// <summary>
/// Random and mutated local.settings.json and host.json: read into settings, or refused with the exceptions the
/// JSON readers document (<see cref="JsonException"/> for local.settings.json; <see cref="InvalidDataException"/>
/// and <see cref="FormatException"/> from the configuration JSON provider for host.json), never anything else.
/// </summary>
public sealed class SettingsFuzzTests
{
    private const string LocalSettings = """
        {
          "IsEncrypted": false,
          "Values": { "AzureWebJobsStorage": "UseDevelopmentStorage=true", "Pipelines__Ocr__Enabled": true, "Imaging__MaxPixels": 40000000 },
          "Host": { "LocalHttpPort": 7071 }
        }
        """;

    private const string HostJson = """
        {
          "version": "2.0",
          "functionTimeout": "00:30:00",
          "extensions": { "queues": { "batchSize": 16, "maxDequeueCount": 5, "messageEncoding": "base64" }, "http": { "routePrefix": "api" } },
          "logging": { "logLevel": { "default": "Information" } }
        }
        """;

    private static Gen<string> Documents(string seed) => Gen.Frequency(
        (1, JsonGen.Document),
        (2, Gen.Select(Gen.Int, Gen.Int[1, 8], (random, count) => Mutator.Mutate(seed, random, count))));

    [Fact]
    public void LocalSettings_AreReadOrRefusedAsJson()
    {
        var executions = 0L;
        var refused = 0L;
        var watch = Stopwatch.StartNew();
        Documents(LocalSettings).Sample(json =>
        {
            Interlocked.Increment(ref executions);
            try
            {
                // The worker reads the file as text first (File.ReadAllText), so what reaches the parser is always
                // valid UTF-16: invalid bytes and lone surrogates have become U+FFFD on the way.
                _ = FunctionsConfiguration.ReadLocalSettings(AsReadFromFile(json));
            }
            catch (InvalidConfigurationException ex) when (ex.Message.StartsWith("local.settings.json", StringComparison.Ordinal))
            {
                // Refused with one line naming the file: what the worker prints before exiting 1.
                Interlocked.Increment(ref refused);
            }
        }, iter: FuzzRun.Iterations(), threads: FuzzRun.Threads, seed: FuzzRun.Seed);
        FuzzRun.Record("settings/local.settings.json", executions, watch.Elapsed,
            $"refused naming the file {refused}, read {executions - refused}");
    }

    [Fact]
    public void HostJson_IsReadOrRefusedByTheConfigurationProvider()
    {
        using var directory = new TempDirectory();
        var path = directory.File("host.json");
        var executions = 0L;
        var refused = 0L;
        var watch = Stopwatch.StartNew();

        // One file rewritten per input: a single thread.
        Documents(HostJson).Sample(json =>
        {
            executions++;
            File.WriteAllBytes(path, Encoding.UTF8.GetBytes(json));
            try
            {
                _ = FunctionsConfiguration.ReadHostJson(path).ToList();
            }
            catch (InvalidConfigurationException ex) when (ex.Message.StartsWith("host.json", StringComparison.Ordinal))
            {
                refused++;
            }
        }, iter: Math.Max(1, FuzzRun.Iterations() / 3), threads: 1, seed: FuzzRun.Seed);
        FuzzRun.Record("settings/host.json", executions, watch.Elapsed, $"refused {refused}, read {executions - refused}");
    }

    [Theory]
    [InlineData("local-settings-lone-surrogate.json")]
    [InlineData("local-settings-values-not-object.json")]
    public void KnownFindings_AreRefused_NotRead(string fixture)
    {
        var json = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Functions.Tests", "Fixtures", "fuzz", fixture));

        var error = Record.Exception(() => FunctionsConfiguration.ReadLocalSettings(json));

        // Found by this fuzzer: refused, and now with a message that names the file.
        var refused = Assert.IsType<InvalidConfigurationException>(error);
        Assert.StartsWith("local.settings.json", refused.Message, StringComparison.Ordinal);
    }

    private static string AsReadFromFile(string text) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));
}
