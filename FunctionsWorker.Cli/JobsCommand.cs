using System.CommandLine;

namespace FunctionsWorker.Cli;

/// <summary><c>fwjobs jobs get &lt;id&gt;</c>: a job's record from the worker (<c>GET /api/jobs/{id}</c>), as JSON.</summary>
internal static class JobsCommand
{
    public static Command Create()
    {
        var worker = new WorkerOptions();
        var id = new Argument<string>("id") { Description = "Job id." };
        var get = new Command("get", "Print a job's record (GET /api/jobs/{id}) as JSON.") { id };
        worker.AddTo(get);
        CommandRunner.SetAction(get, null, async (parse, _, cancellationToken) =>
        {
            var jobId = JobIds.Validate(parse.GetValue(id)!);
            var record = await worker.Resolve(parse).GetAsync($"jobs/{jobId}", $"job {jobId} not found.", cancellationToken);
            Reporter.Result(record);
            return ExitCodes.Succeeded;
        });
        return new Command("jobs", "Job records, from the worker's HTTP API.") { get };
    }
}
