using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
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
    public void RecordJson_NamesEveryColumnByItsJsonName()
    {
        var json = (JsonObject)JsonSerializer.SerializeToNode(new JobRecord { JobId = "j1", State = JobState.Running }, HttpJsonContext.Default.JobRecord)!;

        Assert.Equal(Columns.Select(JobRecordColumns.JsonName).Order(StringComparer.Ordinal),
            json.Select(property => property.Key).Where(key => key != "workerStale").Order(StringComparer.Ordinal));
    }
}
