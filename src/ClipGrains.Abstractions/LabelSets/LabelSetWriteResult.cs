namespace ClipGrains.Abstractions.LabelSets;

/// <summary>Outcome of a label-set write and the state after it.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Info">The label set after the write (null when it does not exist).</param>
/// <param name="Message">Why the write was refused, for <see cref="LabelSetWriteOutcome.QuotaExceeded"/>.</param>
[GenerateSerializer, Immutable, Alias("clipgrains.label-set-write-result")]
public sealed record LabelSetWriteResult(
    [property: Id(0)] LabelSetWriteOutcome Outcome,
    [property: Id(1)] LabelSetInfo? Info,
    [property: Id(2)] string? Message = null);
