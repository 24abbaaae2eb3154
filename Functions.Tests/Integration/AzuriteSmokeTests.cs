using Azure.Storage.Queues;
using Functions.Tests.Fixtures;

namespace Functions.Tests.Integration;

public sealed class AzuriteSmokeTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Fixture_StartsAzurite_QueueRoundTrips()
    {
        var queue = new QueueClient(azurite.ConnectionString, "smoke");
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync("hello");
        var message = (await queue.ReceiveMessageAsync()).Value;
        Assert.Equal("hello", message.MessageText);
    }
}
