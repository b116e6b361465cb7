using ClipGrains.Abstractions.Tenancy;

namespace ClipGrains.Grains.Tenancy;

/// <summary>The tenant's rate limiters (GCRA, memory only) and admission: limits and the credit reservation decided together.</summary>
internal sealed partial class TenantGrain
{
    // The one refusal of a suspended or missing tenant: it holds for every request until the tenant is resumed.
    private static readonly AdmissionResult SuspendedRefusal =
        new(AdmissionOutcome.Refused, null, null, null, 0, "The tenant is suspended or does not exist.", DateTimeOffset.MaxValue);

    public async Task<AdmissionResult> Admit(Admission admission)
    {
        ArgumentNullException.ThrowIfNull(admission);
        if (!S.Exists || S.Suspended)
        {
            return SuspendedRefusal;
        }

        var now = time.GetUtcNow();
        var expired = ExpireReservations(now) | await ReclaimLapsedLeasesAsync(now);
        if (S.Reservations.ContainsKey(admission.ReservationId) || _recentlySettled.ContainsKey(admission.ReservationId)
            || (now - _activatedAt < options.Value.ReservationTimeout && await usage.ContainsAsync(Id, admission.ReservationId)))
        {
            // A retried admission of the same request: already decided, decide nothing twice.
            return new AdmissionResult(AdmissionOutcome.Admitted, null, null, null, S.Balance);
        }

        var requests = new Gcra(Math.Max(1, S.Limits.RequestsPerMinute), Minute).Decide(_requestsTat, now, 1);
        var images = new Gcra(Math.Max(1, S.Limits.ImagesPerMinute), Minute).Decide(_imagesTat, now, admission.Images);
        var requestStatus = new RateLimitStatus(S.Limits.RequestsPerMinute, requests.Remaining, requests.Reset);
        var imageStatus = new RateLimitStatus(S.Limits.ImagesPerMinute, images.Remaining, images.Reset);
        if (!requests.Allowed || (admission.Images > 0 && !images.Allowed))
        {
            await PersistIfAsync(expired);
            var never = (!requests.Allowed && requests.RetryAfter is null) || (!images.Allowed && images.RetryAfter is null);
            var retry = new[] { requests.RetryAfter, admission.Images > 0 ? images.RetryAfter : null }.Max();
            return new AdmissionResult(
                AdmissionOutcome.RateLimited, requestStatus, imageStatus, never ? null : retry, S.Balance,
                never ? $"The request has {admission.Images} images; the limit is {S.Limits.ImagesPerMinute} per minute." : null,
                RefusedUntil: !requests.Allowed && requests.RetryAfter is { } wait ? now + wait : null);
        }

        if (admission.Credits > S.Balance)
        {
            await PersistIfAsync(expired);
            return new AdmissionResult(AdmissionOutcome.InsufficientCredits, requestStatus, imageStatus, null, S.Balance,
                $"The request costs {admission.Credits} credits; the balance is {S.Balance}.", S.Balance <= 0 ? DateTimeOffset.MaxValue : null);
        }

        S.Balance -= admission.Credits;
        S.Reservations[admission.ReservationId] = new Reservation(admission.Credits, now + (admission.Hold ?? options.Value.ReservationTimeout));
        await PersistAsync();
        _requestsTat = requests.Tat;
        if (admission.Images > 0)
        {
            _imagesTat = images.Tat;
        }

        return new AdmissionResult(AdmissionOutcome.Admitted, requestStatus, imageStatus, null, S.Balance);
    }

    public Task<AdmissionResult> Take(bool read)
    {
        if (!S.Exists || S.Suspended)
        {
            return Task.FromResult(SuspendedRefusal);
        }

        var now = time.GetUtcNow();
        var limit = read ? Math.Max(options.Value.ReadsPerMinute, S.Limits.RequestsPerMinute) : S.Limits.RequestsPerMinute;
        var decision = new Gcra(Math.Max(1, limit), Minute).Decide(read ? _readsTat : _requestsTat, now, 1);
        var status = new RateLimitStatus(limit, decision.Remaining, decision.Reset);
        if (!decision.Allowed)
        {
            return Task.FromResult(new AdmissionResult(
                AdmissionOutcome.RateLimited, status, null, decision.RetryAfter, S.Balance,
                read ? $"Rate limit reached for reads ({limit} per minute); retry after the delay in Retry-After." : null,
                RefusedUntil: !read && decision.RetryAfter is { } wait ? now + wait : null));
        }

        if (read)
        {
            _readsTat = decision.Tat;
        }
        else
        {
            _requestsTat = decision.Tat;
        }

        return Task.FromResult(new AdmissionResult(AdmissionOutcome.Admitted, status, null, null, S.Balance));
    }

    public Task<AdmissionResult> Probe()
    {
        if (!S.Exists || S.Suspended)
        {
            return Task.FromResult(SuspendedRefusal);
        }

        // The same refusals Admit and Take would answer for any request, decided without taking a token (Gcra is pure).
        var now = time.GetUtcNow();
        var requests = new Gcra(Math.Max(1, S.Limits.RequestsPerMinute), Minute).Decide(_requestsTat, now, 1);
        var status = new RateLimitStatus(S.Limits.RequestsPerMinute, requests.Remaining, requests.Reset);
        if (!requests.Allowed && requests.RetryAfter is { } wait)
        {
            return Task.FromResult(new AdmissionResult(AdmissionOutcome.RateLimited, status, null, wait, S.Balance, RefusedUntil: now + wait));
        }

        // An empty balance refuses even a free request (as Admit's remembered refusal does): credits are the tenant's
        // admission ticket, and a tenant at zero is the one a flood of unparsed bodies must not reach.
        return Task.FromResult(S.Balance <= 0
            ? new AdmissionResult(AdmissionOutcome.InsufficientCredits, status, null, null, S.Balance,
                $"The balance is {S.Balance} credits.", DateTimeOffset.MaxValue)
            : new AdmissionResult(AdmissionOutcome.Admitted, status, null, null, S.Balance));
    }

    public Task<(RateLimitStatus Requests, RateLimitStatus Images)> GetRateLimits()
    {
        // Deciding zero units reports the state without changing it (Gcra is pure).
        var now = time.GetUtcNow();
        var requests = new Gcra(Math.Max(1, S.Limits.RequestsPerMinute), Minute).Decide(_requestsTat, now, 0);
        var images = new Gcra(Math.Max(1, S.Limits.ImagesPerMinute), Minute).Decide(_imagesTat, now, 0);
        return Task.FromResult((
            new RateLimitStatus(S.Limits.RequestsPerMinute, requests.Remaining, requests.Reset),
            new RateLimitStatus(S.Limits.ImagesPerMinute, images.Remaining, images.Reset)));
    }
}
