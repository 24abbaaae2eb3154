namespace Functions.Tests.Fixtures;

/// <summary>One Azurite for all storage tests: started once, each test on its own queue and table.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
