namespace Functions.Tests.Fixtures;

/// <summary>One HTTPS Azurite in <c>--oauth basic</c> mode for a test class: where identity-based settings are tried for real.</summary>
public sealed class AzuriteOAuthFixture : IAsyncLifetime
{
    public AzuriteFixture Azurite { get; } = AzuriteFixture.WithOAuth();

    public Task InitializeAsync() => Azurite.InitializeAsync();

    public Task DisposeAsync() => Azurite.DisposeAsync();
}
