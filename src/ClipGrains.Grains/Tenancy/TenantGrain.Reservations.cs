using ClipGrains.Abstractions.Tenancy;

namespace ClipGrains.Grains.Tenancy;

/// <summary>Reservations: settled at what was computed (committed into the outbox with the ledger change) or expired and refunded.</summary>
internal sealed partial class TenantGrain
{
    public async Task<long> Settle(Settlement settlement)
    {
        ArgumentNullException.ThrowIfNull(settlement);
        var now = time.GetUtcNow();
        var expired = ExpireReservations(now);
        if (!S.Reservations.TryGetValue(settlement.ReservationId, out var reservation))
        {
            // Already settled, or expired and refunded: nothing to do (and never charge an unreserved amount).
            await PersistIfAsync(expired);
            return S.Balance;
        }

        var charged = settlement.Commit ? Math.Clamp(settlement.Credits, 0, reservation.Credits) : 0;
        UsageRecord? record = null;
        if (settlement.Commit || settlement.Refused || settlement.StoredResponseBytes > 0)
        {
            record = new UsageRecord(
                settlement.ReservationId, Id, settlement.KeyId, settlement.Model, settlement.Route,
                settlement.Commit ? settlement.Images : 0, settlement.Commit ? settlement.Texts : 0, charged, now,
                Refused: !settlement.Commit && settlement.Refused, DecodeMilliseconds: settlement.Refused ? Math.Max(0, settlement.DecodeMilliseconds) : 0,
                StoredBytes: Math.Max(0, settlement.StoredResponseBytes), Collection: settlement.Collection);

            // Transactional outbox: the record is written with the ledger change in one state write, and leaves the state
            // once the log has it. A crash in between leaves it in the outbox, which the next activation writes first.
            S.Outbox.Add(record);
        }

        S.Reservations.Remove(settlement.ReservationId);
        RememberSettled(settlement.ReservationId, now);
        S.Balance += reservation.Credits - charged;
        if (settlement.Commit)
        {
            S.Committed += charged;
        }

        await PersistAsync();
        if (record is not null)
        {
            await PublishAsync([record]);

            // The outbox is written with every state write: when the log lags far behind, wait for it rather than let the
            // state grow (it then holds at most this many records).
            if (S.Outbox.Count >= MaxOutbox)
            {
                await usage.FlushAsync();
            }
        }

        return S.Balance;
    }

    private void RememberSettled(string id, DateTimeOffset now)
    {
        ForgetSettled(now, room: 1);
        _recentlySettled[id] = now;
        _settledOrder.Enqueue((id, now));
    }

    private void ForgetSettled(DateTimeOffset now, int room = 0)
    {
        const int MaxRemembered = 100_000;
        while (_settledOrder.TryPeek(out var oldest) && (now - oldest.At > options.Value.ReservationTimeout || _settledOrder.Count + room > MaxRemembered))
        {
            _settledOrder.Dequeue();
            _recentlySettled.Remove(oldest.Id);
        }
    }

    private bool ExpireReservations(DateTimeOffset now)
    {
        ForgetSettled(now);
        var changed = false;
        foreach (var (id, reservation) in S.Reservations.Where(r => r.Value.ExpiresAt <= now).ToList())
        {
            S.Reservations.Remove(id);
            S.Balance += reservation.Credits;
            RememberSettled(id, now);
            changed = true;
        }

        return changed;
    }
}
