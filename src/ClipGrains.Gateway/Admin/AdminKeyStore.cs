using System.Security.Cryptography;
using System.Text;
using ClipGrains.Abstractions.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Admin;

/// <summary>
/// Holds the SHA-256 of the operator key and checks presented keys in constant time. A configured key wins;
/// otherwise the hash file in the data directory is used, created with a fresh key when missing. The fresh key is
/// written once to <see cref="GeneratedKeyFile"/> (mode 0600), never to standard output or the log, which are
/// often shipped elsewhere.
/// </summary>
public sealed class AdminKeyStore
{
    /// <summary>Name of the file, in the data directory, that holds a generated key until the operator deletes it.</summary>
    public const string GeneratedKeyFile = "operator-key";

    private readonly byte[] _hash;

    /// <summary>Loads or provisions the key.</summary>
    public AdminKeyStore(IOptions<AdminOptions> options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        if (options.Value.ApiKey is { Length: > 0 } configured)
        {
            _hash = Hash(configured);
            return;
        }

        var directory = configuration["ClipGrains:DataDirectory"] ?? ".";
        var file = Path.Combine(directory, "admin-key.sha256");
        if (File.Exists(file))
        {
            _hash = Convert.FromHexString(File.ReadAllText(file).Trim());
            return;
        }

        var key = "cga_" + RandomNumberGenerator.GetString("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 43);
        _hash = Hash(key);
        PrivateFiles.CreateDirectory(directory);
        PrivateFiles.WriteAllText(file, Convert.ToHexString(_hash));
        GeneratedKeyPath = Path.GetFullPath(Path.Combine(directory, GeneratedKeyFile));
        PrivateFiles.WriteAllText(GeneratedKeyPath, key + "\n");
    }

    /// <summary>Where this process wrote the key it generated; null when the key was configured or already provisioned.</summary>
    public string? GeneratedKeyPath { get; }

    /// <summary>Whether <paramref name="presented"/> is the operator key.</summary>
    public bool Verify(string presented) => CryptographicOperations.FixedTimeEquals(_hash, Hash(presented));

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
