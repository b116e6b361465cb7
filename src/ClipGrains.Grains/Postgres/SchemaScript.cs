namespace ClipGrains.Grains.Postgres;

/// <summary>One versioned schema script.</summary>
/// <param name="Version">Its number (the <c>NNNN</c> prefix).</param>
/// <param name="Name">File name without extension.</param>
/// <param name="Sql">The statements.</param>
public sealed record SchemaScript(int Version, string Name, string Sql);
