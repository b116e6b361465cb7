using ClipGrains.Abstractions.Collections;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Collections;

/// <summary>
/// A collection's definition and counts, and the single writer that routes its items to shards. Quotas are taken from
/// the tenant's <see cref="ICollectionDirectoryGrain"/> before any row is written; counts are set from what the shards
/// wrote afterwards, and recounted from the store on activation (so a crash between the two heals itself).
/// </summary>
internal sealed class CollectionGrain(
    [PersistentState("collection", ClipGrainsStorage.Name)] IPersistentState<CollectionState> state,
    ICollectionStore store,
    IOptions<CollectionOptions> options) : Grain, ICollectionGrain
{
    // Store rows read per page while a filtered listing looks for matches.
    private const int ScanPage = 512;

    private string Tenant => this.GetPrimaryKeyString()[..this.GetPrimaryKeyString().IndexOf('/', StringComparison.Ordinal)];

    private string Name => this.GetPrimaryKeyString()[(this.GetPrimaryKeyString().IndexOf('/', StringComparison.Ordinal) + 1)..];

    private ICollectionDirectoryGrain Directory => GrainFactory.GetGrain<ICollectionDirectoryGrain>(Tenant);

    private CollectionOptions Limits => options.Value;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Info is { } info)
        {
            var (items, bytes) = await store.CountAsync(info.Uid, cancellationToken);
            if (items != info.ItemCount || bytes != info.Bytes)
            {
                state.State.Info = info with { ItemCount = items, Bytes = bytes };
                await state.WriteStateAsync(cancellationToken);
            }

            await Directory.Record(Name, items, bytes);
        }
    }

    public async Task<CollectionWrite> Create(CollectionInfo definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (state.State.Info is { } existing)
        {
            return new CollectionWrite(CollectionOutcome.AlreadyExists, existing, []);
        }

        if (await Directory.Add(Name, Limits.MaxCollectionsPerTenant) is { } refused)
        {
            return new CollectionWrite(CollectionOutcome.QuotaExceeded, null, [], refused);
        }

        state.State.Info = definition with { Name = Name, ItemCount = 0, Bytes = 0 };
        await state.WriteStateAsync();
        return new CollectionWrite(CollectionOutcome.Done, state.State.Info, []);
    }

    public async Task<bool> Delete()
    {
        if (state.State.Info is not { } info)
        {
            return false;
        }

        // Rows and indexes first, the definition last: a delete that fails part way leaves the collection in place, so a
        // retry finishes it (and its quota is freed only with it).
        await store.DeleteCollectionAsync(info.Uid);
        await Task.WhenAll(Enumerable.Range(0, info.Shards).Select(s => Shard(info, s).Drop()));
        state.State.Info = null;
        await state.WriteStateAsync();
        await Directory.Remove(Name);
        return true;
    }

    public Task<CollectionInfo?> GetInfo() => Task.FromResult(state.State.Info);

    public async Task<CollectionWrite> Upsert(IReadOnlyList<CollectionItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (state.State.Info is not { } info)
        {
            return new CollectionWrite(CollectionOutcome.NotFound, null, []);
        }

        if (items.Select(i => i.Id).Distinct(StringComparer.Ordinal).Count() != items.Count)
        {
            throw new ArgumentException("An upsert names an item id twice.", nameof(items));
        }

        var byShard = items.GroupBy(i => CollectionKey.ShardOf(i.Id, info.Shards)).ToList();

        // The exact change before the write: this grain is the collection's only writer, so what the shards hold now is
        // what the write replaces. The tenant's other collections take quota through the directory, one at a time.
        var (newItems, replaced) = await GrowthAsync(info, [.. items.Select(i => i.Id)]);
        if (await Directory.Grow(Name, newItems, items.Sum(i => i.StoredBytes) - replaced, Limits.MaxItemsPerTenant, Limits.MaxStoredBytesPerTenant) is { } refused)
        {
            return new CollectionWrite(CollectionOutcome.QuotaExceeded, info, [], refused);
        }

        var results = await ApplyAsync(info, byShard.Select(g => (g.Key, (IReadOnlyList<CollectionItem>)[.. g], (IReadOnlyList<string>)[])));
        return new CollectionWrite(CollectionOutcome.Done, state.State.Info, Ordered(results, items.Select(i => i.Id)));
    }

    public async Task<string?> CheckRoom(IReadOnlyList<string> ids, long bytes)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (state.State.Info is not { } info)
        {
            return null;
        }

        var (items, replaced) = await GrowthAsync(info, ids);
        return await Directory.Check(Name, items, bytes - replaced, Limits.MaxItemsPerTenant, Limits.MaxStoredBytesPerTenant);
    }

    // How many of these ids are new, and the bytes the stored ones hold (what a write of them replaces).
    private async Task<(int NewItems, long ReplacedBytes)> GrowthAsync(CollectionInfo info, IReadOnlyList<string> ids)
    {
        var sizes = await Task.WhenAll(ids.GroupBy(id => CollectionKey.ShardOf(id, info.Shards)).Select(g => Shard(info, g.Key).Sizes([.. g])));
        var existing = sizes.SelectMany(s => s).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return (ids.Count(id => !existing.ContainsKey(id)), existing.Values.Sum());
    }

    public async Task<CollectionWrite> DeleteItems(IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (state.State.Info is not { } info)
        {
            return new CollectionWrite(CollectionOutcome.NotFound, null, []);
        }

        var results = await ApplyAsync(info, ids.Distinct(StringComparer.Ordinal).GroupBy(id => CollectionKey.ShardOf(id, info.Shards))
            .Select(g => (g.Key, (IReadOnlyList<CollectionItem>)[], (IReadOnlyList<string>)[.. g])));
        return new CollectionWrite(CollectionOutcome.Done, state.State.Info, Ordered(results, ids.Distinct(StringComparer.Ordinal)));
    }

    public async Task<CollectionWrite> DeleteMatching(ItemFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (state.State.Info is not { } info)
        {
            return new CollectionWrite(CollectionOutcome.NotFound, null, []);
        }

        // Bounded per request: each shard's first ids (one more than the bound tells whether more match), then the
        // collection's first ones among them, so a filter matching millions never becomes one unbounded transaction.
        var limit = Limits.MaxDeletesPerRequest;
        var matching = await Task.WhenAll(Enumerable.Range(0, info.Shards).Select(s => Shard(info, s).Matching(filter, limit + 1, info.Index)));
        var chosen = matching.SelectMany(m => m).Order(StringComparer.Ordinal).Take(limit).ToHashSet(StringComparer.Ordinal);
        var more = matching.Sum(m => m.Count) > chosen.Count;
        var results = await ApplyAsync(info, matching.Select((ids, s) => (s, (IReadOnlyList<CollectionItem>)[], (IReadOnlyList<string>)[.. ids.Where(chosen.Contains)]))
            .Where(w => w.Item3.Count > 0));
        return new CollectionWrite(CollectionOutcome.Done, state.State.Info, [.. results.OrderBy(r => r.Id, StringComparer.Ordinal)], HasMore: more);
    }

    public async Task<ItemPage?> Page(string? after, int limit, ItemFilter? filter, bool withVectors)
    {
        if (state.State.Info is not { } info)
        {
            return null;
        }

        var found = new List<StoredItem>(limit);
        var cursor = after;
        var scanned = 0;
        while (true)
        {
            // A filter matching little of a large collection: answer after a bounded scan, with where to go on.
            if (filter is not null && scanned >= Limits.MaxScannedPerPage)
            {
                return new ItemPage(found, HasMore: true, cursor);
            }

            // One row more than needed tells whether another page exists.
            var want = filter is null ? limit + 1 - found.Count : Math.Min(ScanPage, Limits.MaxScannedPerPage - scanned);
            var rows = await store.PageAsync(info.Uid, cursor, want, withVectors);
            scanned += rows.Count;
            foreach (var row in rows)
            {
                var metadata = MetadataJson.Read(row.Metadata);
                if (filter is not null && !filter.Matches(metadata))
                {
                    continue;
                }

                if (found.Count == limit)
                {
                    return new ItemPage(found, HasMore: true);
                }

                found.Add(new StoredItem(row.Id, withVectors ? row.Vector : null, metadata, row.Sequence, row.UpdatedAt, row.Bytes));
            }

            if (rows.Count < want)
            {
                return new ItemPage(found, HasMore: false);
            }

            cursor = rows[^1].Id;
        }
    }

    public async Task<StoredItem?> GetItem(string id, bool withThumbnail)
    {
        if (state.State.Info is not { } info || await store.GetAsync(info.Uid, id) is not { } row)
        {
            return null;
        }

        return new StoredItem(row.Id, row.Vector, MetadataJson.Read(row.Metadata), row.Sequence, row.UpdatedAt, row.Bytes, withThumbnail ? row.Thumbnail : null);
    }

    private ICollectionShardGrain Shard(CollectionInfo info, int shard) => GrainFactory.GetGrain<ICollectionShardGrain>(CollectionKey.Shard(info.Uid, shard));

    // Writes every shard's part at once; the counts follow what was written, also when a shard failed (its error is rethrown after).
    private async Task<List<ItemResult>> ApplyAsync(CollectionInfo info, IEnumerable<(int Shard, IReadOnlyList<CollectionItem> Upserts, IReadOnlyList<string> Deletes)> parts)
    {
        var writes = parts.Select(p => Shard(info, p.Shard).Apply(p.Upserts, p.Deletes, info.Index)).ToList();
        try
        {
            await Task.WhenAll(writes);
        }
        catch
        {
            // Counted below from the writes that succeeded.
        }

        var done = writes.Where(w => w.IsCompletedSuccessfully).Select(w => w.Result).ToList();
        var updated = info with { ItemCount = info.ItemCount + done.Sum(c => c.ItemDelta), Bytes = info.Bytes + done.Sum(c => c.ByteDelta) };
        if (updated != info)
        {
            state.State.Info = updated;
            await state.WriteStateAsync();
        }

        await Directory.Record(Name, updated.ItemCount, updated.Bytes);
        if (writes.FirstOrDefault(w => w.IsFaulted) is { } failed)
        {
            await failed;
        }

        return [.. done.SelectMany(c => c.Items)];
    }

    private static List<ItemResult> Ordered(List<ItemResult> results, IEnumerable<string> ids)
    {
        var byId = results.ToDictionary(r => r.Id, StringComparer.Ordinal);
        return [.. ids.Select(id => byId[id])];
    }
}
