using System.Text.Json.Nodes;
using Functions.Tests.Fixtures;

namespace Functions.Tests.Unit;

/// <summary>
/// The Azure deployment files, checked offline: the Container Apps YAML and the Bicep template keep every probe inside
/// the platform's limits, and the Bicep compiles and lints clean with the pinned Bicep CLI.
/// </summary>
public sealed class InfraTests
{
    private static readonly string[] ProbeTypes = ["Startup", "Liveness", "Readiness"];

    private static readonly Lazy<Task<string>> TemplateText = new(async () =>
    {
        var (exitCode, output, errors) = await BicepCli.RunAsync("build", "infra/main.bicep", "--stdout");
        Assert.True(exitCode == 0, errors);
        return output;
    });

    [Fact]
    public void ProbeLimits_RejectTheStartupThresholdAzureRefused()
    {
        var violations = ContainerAppsProbeLimits.Violations("Startup", new Dictionary<string, int> { ["failureThreshold"] = 30, ["periodSeconds"] = 1 });
        Assert.Equal(["Startup failureThreshold 30 is outside 1-10"], violations);
    }

    [Fact]
    public void ContainerAppYaml_ProbesWithinContainerAppsLimits()
    {
        var probes = YamlProbes(Path.Combine(RepositoryPaths.Root, "infra", "containerapp.yaml"));

        Assert.Equal(ProbeTypes.Order(), probes.Select(p => p.Type).Order());
        Assert.Empty(probes.SelectMany(p => ContainerAppsProbeLimits.Violations(p.Type, p.Settings)));
        Assert.All(probes, p => Assert.Contains("failureThreshold", p.Settings.Keys));
    }

    [Fact]
    public async Task Bicep_Build_CompilesOfflineWithoutDiagnostics()
    {
        var (exitCode, output, errors) = await BicepCli.RunAsync("build", "infra/main.bicep", "--stdout");

        Assert.True(exitCode == 0, errors);
        Assert.Equal(string.Empty, errors.Trim());
        Assert.NotNull(JsonNode.Parse(output)?["resources"]);
    }

    [Fact]
    public async Task Bicep_Lint_ReportsNothing()
    {
        var (exitCode, output, errors) = await BicepCli.RunAsync("lint", "infra/main.bicep");

        Assert.True(exitCode == 0, output + errors);
        Assert.Equal(string.Empty, (output + errors).Trim());
    }

    [Fact]
    public async Task Bicep_WorkerProbes_WithinContainerAppsLimits()
    {
        var probes = Objects(JsonNode.Parse(await TemplateText.Value))
            .Where(o => o["httpGet"] is JsonObject && o["type"] is JsonValue)
            .Select(o => (Type: o["type"]!.GetValue<string>(), Path: o["httpGet"]!["path"]!.GetValue<string>(), Settings: o
                .Where(p => ContainerAppsProbeLimits.Settings.Contains(p.Key))
                .ToDictionary(p => p.Key, p => p.Value!.GetValue<int>())))
            .ToList();

        Assert.Equal(ProbeTypes.Order(), probes.Select(p => p.Type).Order());
        Assert.Equal("/api/health", probes.Single(p => p.Type == "Liveness").Path);
        Assert.Equal("/api/ready", probes.Single(p => p.Type == "Readiness").Path);
        Assert.Empty(probes.SelectMany(p => ContainerAppsProbeLimits.Violations(p.Type, p.Settings)));
    }

    [Fact]
    public async Task Bicep_Storage_IdentityOnly_WithTheWorkersQueuesContainersAndTable()
    {
        var text = await TemplateText.Value;
        var template = JsonNode.Parse(text);
        var resources = Objects(template).Where(o => o["type"] is JsonValue && o["apiVersion"] is JsonValue).ToList();
        // The one account deployed; a module's reference to it is an `existing` entry.
        var account = resources.Single(r => r["type"]!.GetValue<string>() == "Microsoft.Storage/storageAccounts" && r["existing"] is null);
        Assert.False(account["properties"]!["allowSharedKeyAccess"]!.GetValue<bool>());

        foreach (var name in new[] { "\"inputs\"", "\"outputs\"", "\"models\"", "format('{0}-poison', parameters('jobsQueueName'))" })
        {
            Assert.Contains(name, text, StringComparison.Ordinal);
        }

        Assert.Contains(resources, r => r["type"]!.GetValue<string>() == "Microsoft.Storage/storageAccounts/queueServices/queues");
        Assert.Contains(resources, r => r["type"]!.GetValue<string>() == "Microsoft.Storage/storageAccounts/tableServices/tables");
    }

    [Fact]
    public async Task Bicep_WorkerIdentity_HasDataRoles_StorageSettings_AndQueueScaleRule()
    {
        var text = await TemplateText.Value;
        var template = JsonNode.Parse(text);

        // Storage Blob Data Reader and Contributor, Queue Data Contributor and Reader, Table Data Contributor and AcrPull.
        foreach (var role in new[]
                 {
                     "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", "ba92f5b4-2d11-453d-a403-e96b0029c9fe", "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
                     "19e7f393-937e-4f77-808e-94535e297925", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "7f951dda-4ed3-4680-a7ca-43fe172d538d",
                 })
        {
            Assert.Contains(role, text, StringComparison.Ordinal);
        }

        var app = ContainerApps(template).Single(o => o["kind"] is null);
        Assert.Equal("UserAssigned", app["identity"]!["type"]!.GetValue<string>());
        // The env list compiles to one expression (the fixed settings concatenated with workerSettings).
        var env = Objects(app).Single(o => o["env"] is JsonValue)["env"]!.GetValue<string>();
        AssertSettings(env,
            "'AzureWebJobsStorage__accountName', 'value', parameters('storageAccountName')",
            "'AzureWebJobsStorage__credential', 'value', 'managedidentity'",
            "'AzureWebJobsStorage__clientId', 'value', parameters('identityClientId')",
            "'APPLICATIONINSIGHTS_CONNECTION_STRING', 'secretRef', 'appinsights-connection'");

        Assert.DoesNotContain("'AzureWebJobsStorage',", env, StringComparison.Ordinal);
        var queueRule = Objects(app).Single(o => o["azureQueue"] is JsonObject)["azureQueue"]!;
        Assert.Equal("[parameters('scalerIdentityId')]", queueRule["identity"]!.GetValue<string>());
        Assert.NotNull(queueRule["accountName"]);
        Assert.Null(queueRule["auth"]);

        var environment = Objects(template).Single(o => o["type"]?.GetValueKind() == System.Text.Json.JsonValueKind.String
            && o["type"]!.GetValue<string>() == "Microsoft.App/managedEnvironments");
        var profiles = environment["properties"]!["workloadProfiles"]!.AsArray().Select(p => p!["workloadProfileType"]!.ToJsonString()).ToList();
        Assert.Contains("\"Consumption\"", profiles);
        Assert.Contains(profiles, p => p.Contains("gpuProfileType", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bicep_HostingMode_ChoosesTheSelfHostedAppOrTheFunctionApp()
    {
        var template = JsonNode.Parse(await TemplateText.Value)!;
        var mode = template["parameters"]!["hostingMode"]!;
        Assert.Equal("containerapp", mode["defaultValue"]!.GetValue<string>());
        Assert.Equal(["containerapp", "functionapp"], mode["allowedValues"]!.AsArray().Select(v => v!.GetValue<string>()));

        // Exactly one of the two apps is deployed, by the parameter.
        var modules = Objects(template).Where(o => o["type"] is JsonValue t && t.GetValue<string>() == "Microsoft.Resources/deployments").ToList();
        Assert.Equal("[equals(parameters('hostingMode'), 'containerapp')]", modules.Single(m => (string?)m["name"] == "worker")["condition"]!.GetValue<string>());
        Assert.Equal("[equals(parameters('hostingMode'), 'functionapp')]", modules.Single(m => (string?)m["name"] == "function-app")["condition"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bicep_FunctionApp_IsAFunctionsContainerAppOnTheGpuProfileWithIdentityStorage()
    {
        var template = JsonNode.Parse(await TemplateText.Value)!;
        var module = Objects(template).Single(o => o["type"] is JsonValue t && t.GetValue<string>() == "Microsoft.Resources/deployments" && (string?)o["name"] == "function-app");
        Assert.Equal("[reference('environment').outputs.gpuProfileName.value]",
            module["properties"]!["parameters"]!["workloadProfileName"]!["value"]!.GetValue<string>());

        var app = ContainerApps(template).Single(o => o["kind"] is not null);
        Assert.Equal("functionapp", app["kind"]!.GetValue<string>());
        Assert.Equal("UserAssigned", app["identity"]!["type"]!.GetValue<string>());
        Assert.Equal("[parameters('workloadProfileName')]", app["properties"]!["workloadProfileName"]!.GetValue<string>());
        var env = Objects(app).Single(o => o["env"] is JsonValue)["env"]!.GetValue<string>();
        AssertSettings(env,
            "'FUNCTIONS_WORKER_RUNTIME', 'value', 'dotnet-isolated'",
            "'AzureWebJobsStorage__accountName', 'value', parameters('storageAccountName')",
            "'AzureWebJobsStorage__credential', 'value', 'managedidentity'",
            "'AzureWebJobsStorage__clientId', 'value', parameters('identityClientId')",
            "'JobsQueueName', 'value', parameters('jobsQueueName')");

        // The Functions host scales on its queue trigger itself: no KEDA rule of ours, and no shared key anywhere.
        Assert.DoesNotContain(Objects(app), o => o["azureQueue"] is not null);
        Assert.DoesNotContain("'AzureWebJobsStorage',", env, StringComparison.Ordinal);
        // Storage Blob Data Owner for the host's own blobs (keys, leases), scoped to its two containers, not the account.
        var moduleText = module.ToJsonString();
        Assert.Contains("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", moduleText, StringComparison.Ordinal);
        var role = Objects(module).Single(o => o["type"] is JsonValue t && t.GetValue<string>() == "Microsoft.Authorization/roleAssignments");
        Assert.Contains("blobServices/containers", role["scope"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("hostContainers", role["scope"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bicep_RoleAssignments_AreScopedToContainersQueuesAndTables_NeverTheAccount()
    {
        var template = JsonNode.Parse(await TemplateText.Value);
        var assignments = Objects(template)
            .Where(o => o["type"] is JsonValue type && type.GetValueKind() == System.Text.Json.JsonValueKind.String
                                                    && type.GetValue<string>() == "Microsoft.Authorization/roleAssignments")
            .Select(o => (Scope: o["scope"]?.GetValue<string>() ?? "", Role: o["properties"]!["roleDefinitionId"]!.GetValue<string>(),
                Principal: o["properties"]!["principalId"]!.GetValue<string>()))
            .Where(a => a.Role.Contains("Microsoft.Authorization/roleDefinitions", StringComparison.Ordinal) && a.Scope.Contains("Microsoft.Storage", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(assignments);
        Assert.All(assignments, a => Assert.Matches("blobServices/containers|queueServices/queues|tableServices/tables", a.Scope));
        (string Scope, string Role, string Principal) Only(string role) => Assert.Single(assignments, a => a.Role.Contains(role, StringComparison.Ordinal));
        // The role ids are the module's variables (their values are checked above). Reader on inputs and models, Contributor on
        // outputs and azure-webjobs-secrets: each a loop over its container list.
        Assert.Contains("readContainers", Only("'blobDataReader'").Scope, StringComparison.Ordinal);
        Assert.Contains("writeContainers", Only("'blobDataContributor'").Scope, StringComparison.Ordinal);
        var scaler = Only("'queueDataReader'");
        Assert.Contains("scalerPrincipalId", scaler.Principal, StringComparison.Ordinal);
        Assert.Contains("parameters('jobsQueueName')", scaler.Scope, StringComparison.Ordinal);
        // Every other role is the worker's identity: workerPrincipalId in storage-roles.bicep, identityPrincipalId in the
        // function app's module (its host's own containers).
        Assert.All(assignments.Where(a => a != scaler), a => Assert.Matches("workerPrincipalId|identityPrincipalId", a.Principal));

        var readContainers = Objects(template).Single(o => o["readContainers"] is JsonObject)["readContainers"]!["defaultValue"]!.AsArray();
        var writeContainers = Objects(template).Single(o => o["writeContainers"] is JsonObject)["writeContainers"]!["defaultValue"]!.AsArray();
        Assert.Equal(["inputs", "models"], readContainers.Select(c => c!.GetValue<string>()));
        Assert.Equal(["outputs", "azure-webjobs-secrets"], writeContainers.Select(c => c!.GetValue<string>()));
    }

    [Fact]
    public async Task Bicep_NoLogAnalyticsSharedKey_AndStorageNetworkRulesAreParameters()
    {
        var text = await TemplateText.Value;
        var template = JsonNode.Parse(text);

        Assert.DoesNotContain("\"sharedKey\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("listKeys", text, StringComparison.Ordinal);
        var environment = Objects(template).Single(o => o["type"] is JsonValue type && type.GetValueKind() == System.Text.Json.JsonValueKind.String
                                                        && type.GetValue<string>() == "Microsoft.App/managedEnvironments");
        Assert.Equal("azure-monitor", environment["properties"]!["appLogsConfiguration"]!["destination"]!.GetValue<string>());
        Assert.Contains(Objects(template), o => o["type"] is JsonValue type && type.GetValueKind() == System.Text.Json.JsonValueKind.String
                                                && type.GetValue<string>() == "Microsoft.Insights/diagnosticSettings");

        var parameters = template!["parameters"]!.AsObject();
        foreach (var name in new[] { "storagePublicNetworkAccess", "storageNetworkDefaultAction", "storageAllowedIpRanges", "storageAllowedSubnetIds" })
        {
            Assert.True(parameters.ContainsKey(name), name);
        }

        var account = Objects(template).Single(o => o["type"] is JsonValue type && type.GetValueKind() == System.Text.Json.JsonValueKind.String
                                                    && type.GetValue<string>() == "Microsoft.Storage/storageAccounts" && o["properties"] is JsonObject);
        Assert.Equal("[parameters('publicNetworkAccess')]", account["properties"]!["publicNetworkAccess"]!.GetValue<string>());
        Assert.Equal("[parameters('networkDefaultAction')]", account["properties"]!["networkAcls"]!["defaultAction"]!.GetValue<string>());
    }

    [Fact]
    public async Task KedaQueueLength_IsOneReplicasCapacity_SameInYamlAndBicep()
    {
        var yaml = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "infra", "containerapp.yaml"));
        var fromYaml = int.Parse(System.Text.RegularExpressions.Regex.Match(yaml, @"queueLength:\s*(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var fromBicep = JsonNode.Parse(await TemplateText.Value)!["parameters"]!["queueLength"]!["defaultValue"]!.GetValue<int>();

        Assert.Equal(fromYaml, fromBicep);
        // Dynamic concurrency: a replica holds its learned limit (about 2-3 on a GPU node) plus one prefetched message,
        // not batchSize; a larger value keeps jobs waiting on a busy replica instead of adding one.
        Assert.InRange(fromBicep, 2, 4);
    }

    /// <summary>Each setting as the compiled env expression holds it: <c>createObject('name', ...)</c>.</summary>
    private static void AssertSettings(string env, params string[] settings) =>
        Assert.All(settings, setting => Assert.Contains($"createObject('name', {setting})", env, StringComparison.Ordinal));

    private static IEnumerable<JsonObject> ContainerApps(JsonNode? template) => Objects(template)
        .Where(o => o["type"]?.GetValueKind() == System.Text.Json.JsonValueKind.String && o["type"]!.GetValue<string>() == "Microsoft.App/containerApps");

    /// <summary>Every JSON object in the tree, the root included.</summary>
    private static IEnumerable<JsonObject> Objects(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                yield return obj;
                foreach (var child in obj.SelectMany(p => Objects(p.Value)))
                {
                    yield return child;
                }

                break;
            case JsonArray array:
                foreach (var child in array.SelectMany(Objects))
                {
                    yield return child;
                }

                break;
        }
    }

    /// <summary>The items of every <c>probes:</c> list: its type and integer settings (line parsing, enough for this file).</summary>
    private static List<(string Type, Dictionary<string, int> Settings)> YamlProbes(string path)
    {
        var probes = new List<(string Type, Dictionary<string, int> Settings)>();
        int? probesIndent = null;
        foreach (var raw in File.ReadAllLines(path))
        {
            var comment = raw.IndexOf('#', StringComparison.Ordinal);
            var line = (comment >= 0 ? raw[..comment] : raw).TrimEnd();
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var indent = line.Length - line.TrimStart().Length;
            var content = line.Trim();
            if (content == "probes:")
            {
                probesIndent = indent;
                continue;
            }

            if (probesIndent is null)
            {
                continue;
            }

            if (indent <= probesIndent)
            {
                probesIndent = null;
                continue;
            }

            if (content.StartsWith("- ", StringComparison.Ordinal))
            {
                probes.Add((string.Empty, new Dictionary<string, int>(StringComparer.Ordinal)));
                content = content[2..].Trim();
            }

            var colon = content.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0 || probes.Count == 0)
            {
                continue;
            }

            var (key, value) = (content[..colon].Trim(), content[(colon + 1)..].Trim());
            if (key == "type")
            {
                probes[^1] = (value, probes[^1].Settings);
            }
            else if (int.TryParse(value, out var number))
            {
                probes[^1].Settings[key] = number;
            }
        }

        return probes;
    }
}
