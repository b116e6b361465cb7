namespace ClipGrains.Abstractions.Fairness;

/// <summary>
/// Waiting items by tenant, taken in turn: each tenant's items wait in arrival order in a queue of their own, and
/// tenants take turns, so one tenant's backlog delays another's item by about one item per tenant, never by the
/// backlog. Items may weigh more than one unit (a decode weighs its megapixels): turns are then deficit round robin —
/// each turn gives a tenant one unit of credit, and its next item goes once its credit covers the item's weight — so
/// tenants share in units, and a tenant of 40-megapixel images gets one image per forty of another's one-megapixel
/// images rather than one each. With unit weights this is plain round robin. The one fairness primitive of a silo: the
/// batching queues, the decode slots and the per-tenant request bound all divide their capacity through it. Not
/// thread-safe: its owner guards it with its lock.
/// </summary>
/// <typeparam name="T">A waiting item.</typeparam>
public sealed class TenantTurns<T>
{
    private readonly Dictionary<string, Waiting> _waiting = new(StringComparer.Ordinal);

    // Tenants with waiting items, the next in turn first; a tenant is here exactly when it has a queue in _waiting.
    private readonly LinkedList<string> _turns = new();

    /// <summary>Items waiting, all tenants together.</summary>
    public int Count { get; private set; }

    /// <summary>Tenants with at least one item waiting.</summary>
    public int Tenants => _turns.Count;

    /// <summary>Items of <paramref name="tenant"/> waiting.</summary>
    public int CountOf(string tenant) => _waiting.TryGetValue(tenant, out var own) ? own.Items.Count : 0;

    /// <summary>Adds <paramref name="item"/> behind <paramref name="tenant"/>'s waiting items; a tenant new to the turns joins at the end.</summary>
    public void Enqueue(string tenant, T item) => Enqueue(tenant, item, 1);

    /// <summary>Adds <paramref name="item"/>, weighing <paramref name="weight"/> units (at least 1), behind <paramref name="tenant"/>'s waiting items.</summary>
    public void Enqueue(string tenant, T item, int weight)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (!_waiting.TryGetValue(tenant, out var own))
        {
            own = new Waiting();
            _waiting[tenant] = own;
            _turns.AddLast(tenant);
        }

        own.Items.Enqueue((item, Math.Max(1, weight)));
        Count++;
    }

    /// <summary>Takes the next item in turn; false when nothing waits.</summary>
    public bool TryDequeue(out T item) => TryDequeue(static _ => true, out _, out item);

    /// <summary>
    /// Takes the next item in turn of the tenants that <paramref name="eligible"/> accepts (a tenant at its own limit is
    /// passed over, keeps its place and gains no credit); the tenant that gives it then goes to the back of the turns.
    /// </summary>
    public bool TryDequeue(Func<string, bool> eligible, out string tenant, out T item)
    {
        ArgumentNullException.ThrowIfNull(eligible);

        // Rounds of turns until an eligible tenant's credit covers its next item: at most the heaviest item's weight.
        for (var any = true; any;)
        {
            any = false;
            for (var turn = _turns.First; turn is not null; turn = turn.Next)
            {
                if (!eligible(turn.Value))
                {
                    continue;
                }

                any = true;
                var own = _waiting[turn.Value];
                var (next, weight) = own.Items.Peek();
                if (own.Credit + 1 < weight)
                {
                    own.Credit++;
                    continue;
                }

                tenant = turn.Value;
                own.Items.Dequeue();
                own.Credit = 0;
                Count--;
                _turns.Remove(turn);
                if (own.Items.Count > 0)
                {
                    _turns.AddLast(turn);
                }
                else
                {
                    _waiting.Remove(tenant);
                }

                item = next;
                return true;
            }
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

        var kept = new Queue<(T Item, int Weight)>(own.Items.Count);
        var removed = false;
        foreach (var waiting in own.Items)
        {
            if (!removed && EqualityComparer<T>.Default.Equals(waiting.Item, item))
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
            own.Items = kept;
        }

        return true;
    }

    private sealed class Waiting
    {
        public Queue<(T Item, int Weight)> Items { get; set; } = new();

        // Units of turns taken without giving an item (its next one weighs more); reset when it gives one.
        public int Credit { get; set; }
    }
}
