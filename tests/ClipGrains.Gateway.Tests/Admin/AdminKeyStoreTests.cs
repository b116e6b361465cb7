using System.Security.Cryptography;
using System.Text;
using ClipGrains.Gateway.Admin;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Tests.Admin;

public sealed class AdminKeyStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "clipgrains-tests", "admin-" + Guid.NewGuid().ToString("N"));

    private AdminKeyStore Store(string? configuredKey = null) => new(
        Options.Create(new AdminOptions { ApiKey = configuredKey }),
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ClipGrains:DataDirectory"] = _directory }).Build());

    [Fact]
    public void Without_a_configured_key_one_is_generated_once_and_only_its_hash_is_stored()
    {
        var first = Store();
        var key = first.GeneratedKey!;

        Assert.Matches("^cga_[0-9A-Za-z]{43}$", key);
        var stored = File.ReadAllText(Path.Combine(_directory, "admin-key.sha256"));
        Assert.DoesNotContain(key, stored, StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))), stored);

        var restarted = Store();
        Assert.Null(restarted.GeneratedKey);
        Assert.True(restarted.Verify(key));
        Assert.False(restarted.Verify(key + "x"));
    }

    [Fact]
    public void A_configured_key_wins_and_writes_nothing()
    {
        var store = Store("operator-secret");

        Assert.True(store.Verify("operator-secret"));
        Assert.Null(store.GeneratedKey);
        Assert.False(Directory.Exists(_directory));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
