using System.CommandLine;
using Functions.Tests.Fixtures;
using FunctionsWorker.Cli;

namespace Functions.Tests.EndToEnd;

/// <summary>fwjobs' help, for every command, with secrets in the environment: they never appear.</summary>
public sealed class CliHelpTests
{
    private const string AccountKey = "Q0xJLWhlbHAtdGVzdC1hY2NvdW50LWtleQ==";
    private const string FunctionKey = "cli-help-function-key";

    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        void Add(Command command, string path)
        {
            data.Add(path);
            foreach (var sub in command.Subcommands)
            {
                Add(sub, (path + " " + sub.Name).Trim());
            }
        }

        Add(FwJobs.CreateRootCommand(), "");
        return data;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_WithAccountKeyAndFunctionKeyInEnvironment_NeverShowsThem(string command)
    {
        var environment = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = $"DefaultEndpointsProtocol=https;AccountName=helptest;AccountKey={AccountKey};EndpointSuffix=core.windows.net",
            ["FunctionKey"] = FunctionKey,
        };
        string[] args = [.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"];

        var result = await CliProcess.RunAsync(environment, args);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Usage:", result.StdOut, StringComparison.Ordinal);
        foreach (var secret in new[] { AccountKey, AccountKey[..12], FunctionKey, "helptest" })
        {
            Assert.DoesNotContain(secret, result.StdOut + result.StdErr, StringComparison.Ordinal);
        }
    }
}
