namespace ClipGrains.Abstractions.Fairness;

/// <summary>
/// Waiting items by tenant, taken in turn: each tenant's items wait in arrival order in a queue of their own, and
/// tenants take turns one item at a time, so one tenant's backlog delays another's item by at most one item per
/// tenant, never by the backlog. The one fairness primitive of a silo: the batching queues, the decode slots and the
/// per-tenant request bound all divide their capacity through it. Not thread-safe: its owner guards it with its lock.
/// </summary>
/// <typeparam name="T">A waiting item.</typeparam>
public sealed class TenantTurns<T>
{
    private readonly Dictionary<string, Queue<T>> _waiting = new(StringComparer.Ordinal);

    // Tenants with waiting items, the next in turn first; a tenant is here exactly when it has a queue in _waiting.
    private readonly LinkedList<string> _turns = new();

    /// <summary>Items waiting, all tenants together.</summary>
    public int Count { get; private set; }

    /// <summary>Tenants with at least one item waiting.</summary>
    public int Tenants => _turns.Count;

    /// <summary>Items of <paramref name="tenant"/> waiting.</summary>
    public int CountOf(string tenant) => _waiting.TryGetValue(tenant, out var own) ? own.Count : 0;

    /// <summary>Adds <paramref name="item"/> behind <paramref name="tenant"/>'s waiting items; a tenant new to the turns joins at the end.</summary>
    public void Enqueue(string tenant, T item)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (!_waiting.TryGetValue(tenant, out var own))
        {
            own = new Queue<T>();
            _waiting[tenant] = own;
            _turns.AddLast(tenant);
        }

        own.Enqueue(item);
        Count++;
    }

    /// <summary>Takes the oldest item of the tenant whose turn it is; false when nothing waits.</summary>
    public bool TryDequeue(out T item) => TryDequeue(static _ => true, out _, out item);

    /// <summary>
    /// Takes the oldest item of the first tenant in turn that <paramref name="eligible"/> accepts (a tenant at its own
    /// limit is passed over and keeps its place); that tenant then goes to the back of the turns.
    /// </summary>
    public bool TryDequeue(Func<string, bool> eligible, out string tenant, out T item)
    {
        ArgumentNullException.ThrowIfNull(eligible);
        for (var turn = _turns.First; turn is not null; turn = turn.Next)
        {
            if (!eligible(turn.Value))
            {
                continue;
            }

            tenant = turn.Value;
            var own = _waiting[tenant];
            item = own.Dequeue();
            Count--;
            _turns.Remove(turn);
            if (own.Count > 0)
            {
                _turns.AddLast(turn);
            }
            else
            {
                _waiting.Remove(tenant);
            }

            return true;
        }

        tenant = string.Empty;
        item = default!;
        return false;
    }

    /// <summary>Removes one waiting <paramref name="item"/> of <paramref name="tenant"/> (a waiter that gave up); false when it was not waiting.</summary>
    public bool Remove(string tenant, T item)
    {
        if (!_waiting.TryGetValue(tenant, out var own))
        {
            return false;
        }

        var kept = new Queue<T>(own.Count);
        var removed = false;
        foreach (var waiting in own)
        {
            if (!removed && EqualityComparer<T>.Default.Equals(waiting, item))
            {
                removed = true;
                continue;
            }

            kept.Enqueue(waiting);
        }

        if (!removed)
        {
            return false;
        }

        Count--;
        if (kept.Count == 0)
        {
            _waiting.Remove(tenant);
            _turns.Remove(tenant);
        }
        else
        {
            _waiting[tenant] = kept;
        }

        return true;
    }
}
