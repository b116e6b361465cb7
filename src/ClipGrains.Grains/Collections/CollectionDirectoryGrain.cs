using ClipGrains.Abstractions.Collections;

namespace ClipGrains.Grains.Collections;

/// <summary>One tenant's collections: the single writer of its collection quota; every write persists before it replies.</summary>
internal sealed class CollectionDirectoryGrain(
    [PersistentState("collection-directory", ClipGrainsStorage.Name)] IPersistentState<CollectionDirectoryState> state) : Grain, ICollectionDirectoryGrain
{
    private CollectionDirectoryState S => state.State;

    public async Task<string?> Add(string name, int maxCollections)
    {
        if (S.Names.Contains(name))
        {
            return null;
        }

        if (S.Names.Count >= maxCollections)
        {
            return $"This tenant has {S.Names.Count} collections, the most allowed ({maxCollections}); delete one first.";
        }

        S.Names.Add(name);
        S.Items[name] = 0;
        S.Bytes[name] = 0;
        await state.WriteStateAsync();
        return null;
    }

    public Task<string?> Check(string name, long items, long bytes, long maxItems, long maxBytes) => Task.FromResult(Refusal(items, bytes, maxItems, maxBytes));

    public async Task<string?> Grow(string name, long items, long bytes, long maxItems, long maxBytes)
    {
        if (Refusal(items, bytes, maxItems, maxBytes) is { } refused)
        {
            return refused;
        }

        S.Items[name] = S.Items.GetValueOrDefault(name) + items;
        S.Bytes[name] = S.Bytes.GetValueOrDefault(name) + bytes;
        await state.WriteStateAsync();
        return null;
    }

    // The one rule of the quota: growth past either bound is refused, shrinking always passes.
    private string? Refusal(long items, long bytes, long maxItems, long maxBytes)
    {
        var totalItems = S.Items.Values.Sum() + items;
        var totalBytes = S.Bytes.Values.Sum() + bytes;
        if (items > 0 && totalItems > maxItems)
        {
            return $"This tenant's collections would hold {totalItems} items, more than its quota of {maxItems}; delete items or collections first.";
        }

        return bytes > 0 && totalBytes > maxBytes
            ? $"This tenant's collections would take {totalBytes} bytes, more than its quota of {maxBytes}; delete items or thumbnails first."
            : null;
    }

    public async Task Record(string name, long items, long bytes)
    {
        if (!S.Names.Contains(name) || (S.Items.GetValueOrDefault(name) == items && S.Bytes.GetValueOrDefault(name) == bytes))
        {
            return;
        }

        S.Items[name] = items;
        S.Bytes[name] = bytes;
        await state.WriteStateAsync();
    }

    public async Task Remove(string name)
    {
        if (S.Names.Remove(name) | S.Items.Remove(name) | S.Bytes.Remove(name))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> List() => Task.FromResult<IReadOnlyList<string>>([.. S.Names]);

    public Task<(int Collections, long Items, long Bytes)> Totals() => Task.FromResult((S.Names.Count, S.Items.Values.Sum(), S.Bytes.Values.Sum()));
}
