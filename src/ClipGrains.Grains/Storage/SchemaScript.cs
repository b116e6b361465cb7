namespace ClipGrains.Grains.Storage;

/// <summary>One versioned schema script.</summary>
/// <param name="Version">Its number (the <c>NNNN</c> prefix).</param>
/// <param name="Name">File name without extension.</param>
/// <param name="Sql">The statements.</param>
public sealed record SchemaScript(int Version, string Name, string Sql)
{
    /// <summary>
    /// The scripts embedded in this assembly under <paramref name="resourcePrefix"/> (from <c>infra/sql/…</c>, named
    /// <c>NNNN_description.sql</c>), in version order; a misnamed, duplicated or missing script is a build error.
    /// </summary>
    public static IReadOnlyList<SchemaScript> Embedded(string resourcePrefix)
    {
        var assembly = typeof(SchemaScript).Assembly;
        var scripts = new List<SchemaScript>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(resourcePrefix, StringComparison.Ordinal)))
        {
            var fileName = resource[resourcePrefix.Length..];
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            if (separator <= 0 || !int.TryParse(fileName.AsSpan(0, separator), out var version))
            {
                throw new InvalidOperationException($"Schema script {fileName} must be named NNNN_description.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add(new SchemaScript(version, Path.GetFileNameWithoutExtension(fileName), reader.ReadToEnd()));
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        if (scripts.Count == 0 || scripts.Select(s => s.Version).Distinct().Count() != scripts.Count)
        {
            throw new InvalidOperationException($"The embedded schema scripts {resourcePrefix}* are missing or have duplicate versions.");
        }

        return scripts;
    }
}
