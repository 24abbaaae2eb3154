using System.CommandLine;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Azure;
using Azure.Identity;

namespace FunctionsWorker.Cli;

/// <summary>
/// Runs a command's action and turns every failure into one line on stderr (JSON with <c>--json</c>) and a documented
/// exit code: no stack traces, no secrets.
/// </summary>
internal static class CommandRunner
{
    public static void SetAction(Command command, Option<bool>? json, Func<ParseResult, Reporter, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            var reporter = new Reporter(json is not null && parse.GetValue(json));
            try
            {
                return await action(parse, reporter, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                reporter.Error("interrupted", ExitCodes.Interrupted);
                return ExitCodes.Interrupted;
            }
            catch (Exception ex)
            {
                var (exitCode, message) = Classify(ex);
                reporter.Error(message, exitCode);
                return exitCode;
            }
        });

    public static (int ExitCode, string Message) Classify(Exception ex) => ex switch
    {
        CliException cli => (cli.ExitCode, cli.Message),
        AggregateException { InnerExceptions.Count: > 0 } aggregate => Classify(aggregate.InnerExceptions[0]),
        RequestFailedException { Status: 0 } failed => (ExitCodes.Unreachable, $"storage unreachable: {Cause(failed)}"),
        RequestFailedException { Status: 401 or 403 } failed =>
            (ExitCodes.Unreachable, $"storage refused the credentials: {failed.Status} {failed.ErrorCode}"),
        RequestFailedException { Status: 400 or 404 or 409 } failed =>
            (ExitCodes.BadInput, $"storage rejected the request: {failed.Status} {failed.ErrorCode}"),
        RequestFailedException failed => (ExitCodes.Unreachable, $"storage error: {failed.Status} {failed.ErrorCode}"),
        AuthenticationFailedException or CredentialUnavailableException =>
            (ExitCodes.Unreachable, $"sign-in failed (DefaultAzureCredential): {FirstLine(ex.Message)}"),
        HttpRequestException or SocketException => (ExitCodes.Unreachable, $"unreachable: {Cause(ex)}"),
        TimeoutException or OperationCanceledException => (ExitCodes.Unreachable, "the request timed out."),
        IOException or UnauthorizedAccessException => (ExitCodes.BadInput, ex.Message),
        _ => (ExitCodes.BadInput, $"unexpected error ({ex.GetType().Name}): {FirstLine(ex.Message)}"),
    };

    // The SDK wraps the network error in retry text; the deepest HTTP error names the host and the reason.
    private static string Cause(Exception ex)
    {
        string? http = null;
        string? socket = null;
        for (Exception? current = ex; current is not null; current = current is AggregateException { InnerExceptions.Count: > 0 } a ? a.InnerExceptions[0] : current.InnerException)
        {
            if (current is HttpRequestException)
            {
                http = current.Message;
            }
            else if (current is SocketException)
            {
                socket = current.Message;
            }
        }

        return FirstLine(http ?? socket ?? ex.Message);
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}
