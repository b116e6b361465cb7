namespace ClipGrains.Grains.Storage;

/// <summary>
/// Deletes grain states of one kind that nobody wrote for a while. Used for idempotency records: each is written when
/// its request completes and read only by retries within the retention period, so past it the row is garbage that
/// no grain will ever activate to clean up.
/// </summary>
public interface IStateExpiry
{
    /// <summary>Deletes every <paramref name="stateName"/> state last written before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> DeleteWrittenBeforeAsync(string stateName, DateTimeOffset cutoff, CancellationToken cancellationToken = default);
}
