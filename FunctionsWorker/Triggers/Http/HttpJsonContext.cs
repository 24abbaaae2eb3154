using System.Text.Json;
using System.Text.Json.Serialization;
using FunctionsWorker.Jobs;

namespace FunctionsWorker.Triggers.Http;

/// <summary>
/// Source-generated JSON for every HTTP trigger body: no reflection metadata is built at run time, which on a small
/// node is a good part of the first health answer's latency.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(ReadinessReport))]
[JsonSerializable(typeof(ProbeSummary))]
[JsonSerializable(typeof(HostSecrets))]
[JsonSerializable(typeof(StatusReport))]
[JsonSerializable(typeof(JobRecord))]
[JsonSerializable(typeof(JobList))]
[JsonSerializable(typeof(CancelReport))]
[JsonSerializable(typeof(ReplayReport))]
[JsonSerializable(typeof(IReadOnlyList<FunctionsWorker.Triggers.Queue.PoisonedMessage>))]
[JsonSerializable(typeof(IReadOnlyList<FunctionsWorker.Fleet.WorkerRow>))]
internal sealed partial class HttpJsonContext : JsonSerializerContext;
