namespace FunctionsWorker.Fleet;

/// <summary>App setting <c>WorkersTableName</c>: the table the fleet's heartbeats go to.</summary>
public sealed class FleetOptions
{
    public string WorkersTableName { get; set; } = "workers";
}
