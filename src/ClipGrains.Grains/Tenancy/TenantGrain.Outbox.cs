using ClipGrains.Abstractions.Tenancy;

namespace ClipGrains.Grains.Tenancy;

/// <summary>The transactional outbox: usage records written with the ledger change, handed to the log after the write.</summary>
internal sealed partial class TenantGrain
{
    // Hands records to the log; once written they are dropped from the outbox at the next state write (no write of their own).
    private async Task PublishAsync(IReadOnlyList<UsageRecord> records)
    {
        // A record the log dropped (its store down past the append wait) stays in the outbox for the next publish.
        var ids = new List<string>();
        foreach (var record in records)
        {
            if (await usage.AppendAsync(record))
            {
                ids.Add(record.Id);
            }
        }

        // Continues on this activation's scheduler, so the set is only ever touched by the grain's own turns.
        _ = usage.FlushAsync().ContinueWith(
            t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    _published.UnionWith(ids);
                }
            },
            CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Current);
    }
}
