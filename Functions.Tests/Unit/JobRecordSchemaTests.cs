using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Functions.Tests.Fixtures;
using FunctionsWorker.Jobs;
using FunctionsWorker.Schema;
using FunctionsWorker.Triggers.Http;

namespace Functions.Tests.Unit;

/// <summary>
/// The job record has one schema (FunctionsWorker.Schema): the table's columns, the typed record and the JSON that
/// the dashboard and fwjobs read name the same fields, so none of them can drift from the others.
/// </summary>
public sealed class JobRecordSchemaTests
{
    private static readonly string[] Columns = [.. typeof(JobRecordColumns).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.IsLiteral)
        .Select(field => (string)field.GetRawConstantValue()!)
        .Order(StringComparer.Ordinal)];

    [Fact]
    public void EveryStoredPropertyOfTheRecord_IsAColumn()
    {
        var stored = typeof(JobRecord).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(property => property.Name)
            .Where(name => name != nameof(JobRecord.WorkerStale))
            .Order(StringComparer.Ordinal);

        Assert.Equal(Columns, stored);
    }

    [Fact]
    public void Dashboard_ReadsOnlyTheSchemasFields_FromAJobRecord()
    {
        // The dashboard names a record `job` or `j`, and lists the detail panel's fields in `detailFields`.
        var script = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "FunctionsWorker", "Dashboard", "Assets", "dashboard.js"));
        var accessed = Regex.Matches(script, @"\b(?:job|j)\.([a-zA-Z]+)\b").Select(match => match.Groups[1].Value);
        var detail = Regex.Match(script, @"const detailFields = \[(?<list>[^\]]*)\]", RegexOptions.Singleline);
        Assert.True(detail.Success, "dashboard.js has no detailFields list");
        var listed = Regex.Matches(detail.Groups["list"].Value, "'([a-zA-Z]+)'").Select(match => match.Groups[1].Value);
        var fields = accessed.Concat(listed).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(fields.Count >= 15, $"only {fields.Count} record fields found in dashboard.js: {string.Join(", ", fields)}");

        // workerStale is computed for the HTTP answer, not stored: the only field beside the columns.
        var known = Columns.Select(JobRecordColumns.JsonName).Append("workerStale").ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(fields, field => !known.Contains(field));
    }

    [Fact]
    public void RecordJson_NamesEveryColumnByItsJsonName()
    {
        var json = (JsonObject)JsonSerializer.SerializeToNode(new JobRecord { JobId = "j1", State = JobState.Running }, HttpJsonContext.Default.JobRecord)!;

        Assert.Equal(Columns.Select(JobRecordColumns.JsonName).Order(StringComparer.Ordinal),
            json.Select(property => property.Key).Where(key => key != "workerStale").Order(StringComparer.Ordinal));
    }
}
