using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;

namespace Functions.Tests.Fixtures;

/// <summary>
/// Stands in for Microsoft Entra ID against Azurite in <c>--oauth basic</c> mode, which checks a bearer token's format,
/// issuer (an <c>https://sts.windows.net/</c> tenant), audience (<c>https://storage.azure.com</c>) and lifetime, but not
/// its signature. Counts the tokens asked for, so a test can see the worker signed in with it.
/// </summary>
public sealed class AzuriteTokenCredential : TokenCredential
{
    private const string TenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    private readonly ConcurrentQueue<string> _scopes = new();
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    public IReadOnlyCollection<string> Scopes => _scopes;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        foreach (var scope in requestContext.Scopes)
        {
            _scopes.Enqueue(scope);
        }

        var now = DateTimeOffset.UtcNow;
        var expires = now.AddHours(1);
        var header = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT" };
        var claims = new JsonObject
        {
            ["aud"] = "https://storage.azure.com",
            ["iss"] = $"https://sts.windows.net/{TenantId}/",
            ["tid"] = TenantId,
            ["oid"] = "5f1c2a3e-0000-4000-8000-000000000001",
            ["nbf"] = now.AddMinutes(-5).ToUnixTimeSeconds(),
            ["iat"] = now.AddMinutes(-5).ToUnixTimeSeconds(),
            ["exp"] = expires.ToUnixTimeSeconds(),
        };
        var token = $"{Base64Url(header.ToJsonString())}.{Base64Url(claims.ToJsonString())}.{Base64Url("unsigned")}";
        return new AccessToken(token, expires);
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));

    private static string Base64Url(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
