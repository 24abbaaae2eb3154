namespace Functions.Tests.Fixtures;

/// <summary>
/// Tests that measure how several worker processes share two cores (fair shares of a backlog): run after the parallel
/// collections, alone, so the other tests' load does not decide which worker got the cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "alone";
}
