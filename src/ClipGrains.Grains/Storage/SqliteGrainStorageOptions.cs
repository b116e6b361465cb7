namespace ClipGrains.Grains.Storage;

/// <summary>Where the embedded grain store keeps its database.</summary>
public sealed class SqliteGrainStorageOptions
{
    /// <summary>Path of the SQLite file; its folder is created when missing.</summary>
    public string DatabasePath { get; set; } = "clipgrains.db";
}
