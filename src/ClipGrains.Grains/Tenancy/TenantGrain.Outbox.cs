using ClipGrains.Abstractions.Tenancy;

namespace ClipGrains.Grains.Tenancy;

/// <summary>The transactional outbox: usage records written with the ledger change, handed to the log after the write.</summary>
internal sealed partial class TenantGrain
{
    // Hands records to the log; once written they are dropped from the outbox at the next state write (no write of their own).
    private async Task PublishAsync(IReadOnlyList<UsageRecord> records)
    {
        foreach (var record in records)
        {
            await usage.AppendAsync(record);
        }

        // Continues on this activation's scheduler, so the set is only ever touched by the grain's own turns.
        var ids = records.Select(r => r.Id).ToList();
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
