namespace ClipGrains.Grains;

/// <summary>The grain storage provider name every ClipGrains grain uses.</summary>
public static class ClipGrainsStorage
{
    /// <summary>Provider name; configure it with the embedded SQLite store or another Orleans provider.</summary>
    public const string Name = "clipgrains";
}
