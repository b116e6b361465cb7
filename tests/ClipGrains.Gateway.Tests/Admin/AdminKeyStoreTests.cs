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
        var key = File.ReadAllText(first.GeneratedKeyPath!).Trim();

        Assert.Matches("^cga_[0-9A-Za-z]{43}$", key);
        var stored = File.ReadAllText(Path.Combine(_directory, "admin-key.sha256"));
        Assert.DoesNotContain(key, stored, StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))), stored);

        var restarted = Store();
        Assert.Null(restarted.GeneratedKeyPath);
        Assert.True(restarted.Verify(key));
        Assert.False(restarted.Verify(key + "x"));
    }

    [Fact]
    public void A_configured_key_wins_and_writes_nothing()
    {
        var store = Store("operator-secret-0123456789");

        Assert.True(store.Verify("operator-secret-0123456789"));
        Assert.Null(store.GeneratedKeyPath);
        Assert.False(Directory.Exists(_directory));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_generated_key_and_its_hash_are_readable_by_the_owner_only_in_a_private_directory()
    {
        var store = Store();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.GeneratedKeyPath!));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory, "admin-key.sha256")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_directory));
    }

    [Theory]
    [InlineData("a", "ClipGrains:Admin:ApiKey is 1 characters; use at least 20")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaa", "ClipGrains:Admin:ApiKey has fewer than 8 distinct characters")]
    public void A_weak_configured_key_is_refused_with_the_setting_named(string key, string expected)
    {
        var result = new AdminOptionsValidator().Validate(null, new AdminOptions { ApiKey = key });

        Assert.True(result.Failed);
        Assert.StartsWith(expected, result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new AdminOptionsValidator().Validate(null, new AdminOptions { ApiKey = "cga_0123456789abcdefghij" }).Succeeded);
        Assert.True(new AdminOptionsValidator().Validate(null, new AdminOptions()).Succeeded);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
