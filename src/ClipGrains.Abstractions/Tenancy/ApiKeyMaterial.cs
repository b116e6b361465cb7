using System.Security.Cryptography;

namespace ClipGrains.Abstractions.Tenancy;

/// <summary>
/// API key format <c>cg_{keyId}_{secret}</c>: a public id for lookup and display, and a 256-bit random secret
/// in base62 (no separators inside, so a double-click selects the whole key). Only SHA-256 of the secret is
/// stored: for a high-entropy secret a slow hash adds latency and no security.
/// </summary>
public static class ApiKeyMaterial
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int KeyIdLength = 12;
    private const int SecretLength = 43; // 43 base62 digits ≥ 256 bits

    /// <summary>A new public key id.</summary>
    public static string NewKeyId() => Random(KeyIdLength);

    /// <summary>A new secret.</summary>
    public static string NewSecret() => Random(SecretLength);

    /// <summary>The full key shown to the user once.</summary>
    public static string Format(string keyId, string secret) => $"cg_{keyId}_{secret}";

    /// <summary>What is shown afterwards: the id and the first characters of the secret.</summary>
    public static string Prefix(string keyId, string secret) => $"cg_{keyId}_{secret[..4]}…";

    /// <summary>SHA-256 of the secret's UTF-8 bytes.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret));

    /// <summary>Splits a presented key; false for anything that is not of the format (no lookup is attempted then).</summary>
    public static bool TryParse(string? key, out string keyId, out string secret)
    {
        keyId = secret = string.Empty;
        if (key is null || !key.StartsWith("cg_", StringComparison.Ordinal) || key.Length != 3 + KeyIdLength + 1 + SecretLength)
        {
            return false;
        }

        keyId = key.Substring(3, KeyIdLength);
        secret = key[(4 + KeyIdLength)..];
        return key[3 + KeyIdLength] == '_' && keyId.All(Alphabet.Contains) && secret.All(Alphabet.Contains);
    }

    private static string Random(int length) => RandomNumberGenerator.GetString(Alphabet, length);
}
