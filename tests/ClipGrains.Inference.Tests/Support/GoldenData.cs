using System.Text.Json;

namespace ClipGrains.Inference.Tests.Support;

/// <summary>
/// Locates the outside reference (<c>../shared/golden</c> beside the repository, or <c>CLIPGRAINS_GOLDEN_DIR</c>).
/// When it is absent the parity tests are skipped with the reason, unless <c>CLIPGRAINS_REQUIRE_GOLDEN=1</c>
/// (set by .ci/run), which turns absence into a failure so CI can never pass without checking parity.
/// </summary>
public static class GoldenData
{
    public const string DirectoryVariable = "CLIPGRAINS_GOLDEN_DIR";
    public const string RequireVariable = "CLIPGRAINS_REQUIRE_GOLDEN";

    private static readonly Lazy<string?> Located = new(Locate);

    /// <summary>Whether the reference folder exists (no skip, no failure: for fixtures deciding what to start).</summary>
    public static bool IsAvailable => Located.Value is not null;

    public static string Root
    {
        get
        {
            var root = Located.Value;
            if (root is not null)
            {
                return root;
            }

            var reason = $"golden reference data not found (set {DirectoryVariable} or place it at ../shared/golden beside the repository)";
            if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
            {
                throw new InvalidOperationException(reason + $"; {RequireVariable}=1 makes this a failure.");
            }

            Skip.If(true, reason);
            return string.Empty;
        }
    }

    public static string TinyClip => Path.Combine(Root, "tiny-clip");

    public static string Reference => Path.Combine(Root, "reference");

    public static string Image(string name) => Path.Combine(Reference, "images", name);

    public static JsonElement Json(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Reference, file)));
        return document.RootElement.Clone();
    }

    public static float[] Pixels(string image)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Reference, "pixels", image + ".f32"));
        var floats = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, floats, 0, bytes.Length);
        return floats;
    }

    public static IEnumerable<string> ImageNames() =>
        Directory.EnumerateFiles(Path.Combine(Reference, "images")).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    private static string? Locate()
    {
        var configured = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return Directory.Exists(configured) ? Path.GetFullPath(configured) : null;
        }

        var repo = RepositoryRoot.Find();
        var candidate = Path.GetFullPath(Path.Combine(repo, "..", "shared", "golden"));
        return Directory.Exists(candidate) ? candidate : null;
    }
}
