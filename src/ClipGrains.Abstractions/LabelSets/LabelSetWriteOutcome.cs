namespace ClipGrains.Abstractions.LabelSets;

/// <summary>The result of a write to a label set, mapped by the gateway to an HTTP status.</summary>
public enum LabelSetWriteOutcome
{
    /// <summary>201 (ready) or 202 (building).</summary>
    Created = 0,

    /// <summary>A new version was written.</summary>
    Replaced = 1,

    /// <summary>The definition equals the current one: no new version, nothing recomputed.</summary>
    Unchanged = 2,

    /// <summary>204.</summary>
    Deleted = 3,

    /// <summary>Create of a name that exists: 409.</summary>
    AlreadyExists = 4,

    /// <summary>404.</summary>
    NotFound = 5,

    /// <summary>If-Match named another version: 412.</summary>
    VersionMismatch = 6,

    /// <summary>The tenant's label-set quota (sets or stored bytes) does not allow the write: 403, with the reason.</summary>
    QuotaExceeded = 7,
}
