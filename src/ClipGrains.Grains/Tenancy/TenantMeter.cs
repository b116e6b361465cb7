using System.Security.Cryptography;
using ClipGrains.Abstractions.Errors;
using ClipGrains.Abstractions.Telemetry;
using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Grains.Tenancy.Leases;
using Microsoft.Extensions.Options;

namespace ClipGrains.Grains.Tenancy;

/// <summary>
/// The silo half of a tenant's money path (<see cref="ITenantMeter"/>), beside the ledger it calls: idempotency claim,
/// then rate limits and the credit reservation in one call to the tenant's grain (or this silo's lease), then the work,
/// then commit at what was computed or refund. With an Idempotency-Key the final answer is stored and replayed byte for
/// byte to retries, which are never charged again; failures that are the server's release the key so a retry can run.
/// </summary>
internal sealed class TenantMeter(
    IGrainFactory grains, SiloLeases leases, RecentRefusals refusals, AdmissionProbe probe, IOptions<TenantMeterOptions> options, ClipGrainsTelemetry telemetry, TimeProvider time)
    : ITenantMeter
{
    public async Task<MeterOutcome> RunAsync(MeteredRequest request, Func<MeterTicket, Task<MeteredWork>> work)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(work);
        var idempotency = request.IdempotencyKey is { } key ? grains.GetGrain<IIdempotencyGrain>($"{request.Tenant}/{key}") : null;
        var fingerprint = idempotency is null ? string.Empty : Fingerprint(request);
        if (idempotency is not null)
        {
            var decision = await idempotency.Begin(fingerprint, options.Value.ClaimLease);
            switch (decision.Outcome)
            {
                case IdempotencyOutcome.Replay:
                    // A replay costs no credits but is a request like any other: it counts against the request limit.
                    var taken = await TakeAsync(request.Tenant, read: false);
                    return taken.Outcome == AdmissionOutcome.Admitted
                        ? new MeterOutcome(MeterVerdict.Replayed, decision.Response!.Status, decision.Response.Body, taken, decision.Response.ContentType)
                        : NotAdmitted(taken);
                case IdempotencyOutcome.InFlight:
                    return new MeterOutcome(MeterVerdict.KeyInUse, 409, [], null);
                case IdempotencyOutcome.Mismatch:
                    return new MeterOutcome(MeterVerdict.KeyReused, 422, [], null);
            }
        }

        var completed = false;
        try
        {
            var outcome = await AdmitRunSettleAsync(request, work, stored: idempotency is not null);
            if (idempotency is not null && outcome.Verdict == MeterVerdict.Answered)
            {
                await idempotency.Complete(fingerprint, StoredReplay(outcome.Status, outcome.Body));
                completed = true;
            }

            return outcome;
        }
        finally
        {
            // Not admitted, or the work failed: the key is free for a retry.
            if (!completed && idempotency is not null)
            {
                await idempotency.Abandon(fingerprint);
            }
        }
    }

    public async Task<AdmissionResult> TakeAsync(string tenant, bool read)
    {
        var taken = await grains.GetGrain<ITenantGrain>(tenant).Take(read);
        if (taken.Outcome != AdmissionOutcome.Admitted)
        {
            refusals.Remember(tenant, taken);
        }

        return taken;
    }

    public AdmissionResult? RecentRefusal(string tenant) => refusals.Of(tenant);

    public ValueTask<AdmissionResult?> RefusalBeforeBodyAsync(string tenant) => probe.RefusalAsync(tenant);

    private async Task<MeterOutcome> AdmitRunSettleAsync(MeteredRequest request, Func<MeterTicket, Task<MeteredWork>> work, bool stored)
    {
        var estimate = request.Estimate;

        // A busy tenant's request is admitted from this silo's lease when it covers it; work whose reservation a grain
        // takes over (label-set builds) always goes through the ledger.
        if (request.Hold is null && leases.TryAdmit(request.Tenant, estimate, out var limits) is { } leased)
        {
            var record = new UsageRecord(Guid.NewGuid().ToString("N"), request.Tenant, request.KeyId, estimate.Model, request.Route, 0, 0, 0, time.GetUtcNow(), Collection: request.Collection);
            var (status, body) = await RunAndSettleAsync(estimate, () => work(new MeterTicket(null)), ticket: null, stored, settled => leases.SettleAsync(leased, record with
            {
                At = time.GetUtcNow(), Images = settled.Images, Texts = settled.Texts, Credits = settled.Credits,
                Refused = settled.Refused, DecodeMilliseconds = settled.DecodeMilliseconds, StoredBytes = settled.StoredBytes,
            }));
            return new MeterOutcome(MeterVerdict.Answered, status, body, new AdmissionResult(AdmissionOutcome.Admitted, limits.Requests, limits.Images, null, 0));
        }

        var account = grains.GetGrain<ITenantGrain>(request.Tenant);
        var reservation = Guid.NewGuid().ToString("N");
        var admission = await account.Admit(new Admission(reservation, estimate.Images, estimate.Credits, request.Hold));
        if (admission.Outcome != AdmissionOutcome.Admitted)
        {
            return NotAdmitted(admission, request.Tenant);
        }

        probe.Admitted(request.Tenant);

        var ticket = new MeterTicket(reservation);
        var answer = await RunAndSettleAsync(estimate, () => work(ticket), ticket, stored, async settled => await account.Settle(new Settlement(
            reservation, settled.Commit, settled.Credits, settled.Images, settled.Texts, settled.Refused, settled.DecodeMilliseconds, settled.StoredBytes,
            estimate.Model, request.KeyId, request.Route, request.Collection)));
        return new MeterOutcome(MeterVerdict.Answered, answer.Status, answer.Body, admission);
    }

    // The one home of "charge what was computed, refund the rest": the same for the ledger and the lease.
    private async Task<(int Status, byte[] Body)> RunAndSettleAsync(
        Charge estimate, Func<Task<MeteredWork>> work, MeterTicket? ticket, bool stored, Func<Settled, ValueTask> settle)
    {
        telemetry.CreditsReserved.Add(estimate.Credits);
        MeteredWork result;
        try
        {
            result = await work();
        }
        catch (Exception) when (ticket?.HandedOver == true)
        {
            // The grain that took the reservation settles it; refunding here would make its build free.
            throw;
        }
        catch (AbandonedWorkException abandoned)
        {
            // Ran and failed on our side (timed out, overloaded): not charged, but in the usage log with what it used.
            await settle(new Settled(false, 0, 0, 0, Refused: true, abandoned.DecodeMilliseconds, 0));
            telemetry.CreditsRefunded.Add(estimate.Credits);
            telemetry.RequestsRefused.Add(1, new KeyValuePair<string, object?>("code", abandoned.Code));
            throw;
        }
        catch
        {
            await settle(Settled.Refund);
            telemetry.CreditsRefunded.Add(estimate.Credits);
            throw;
        }

        if (ticket?.HandedOver == true)
        {
            // Reported as reserved: the owner commits what it computes and releases the rest.
            return (result.Status, result.Error ?? result.Body!(estimate.Credits));
        }

        if (result.IsRefused)
        {
            // Refused work is not charged (the caller paid nothing for a request that returned nothing), but it is no
            // secret either: the tenant's usage counts it with the decoding time it took, and so do the metrics.
            await settle(new Settled(false, 0, 0, 0, Refused: true, result.DecodeMilliseconds, StoredBytes(stored, result.Error!)));
            telemetry.CreditsRefunded.Add(estimate.Credits);
            telemetry.RequestsRefused.Add(1, new KeyValuePair<string, object?>("code", result.Code));
            return (result.Status, result.Error!);
        }

        var charged = Math.Min(result.Actual!.Credits, estimate.Credits);
        var body = result.Body!(charged);
        await settle(new Settled(true, charged, result.Actual.Images, result.Actual.Texts, Refused: false, 0, StoredBytes(stored, body)));
        telemetry.CreditsCommitted.Add(charged);
        telemetry.CreditsRefunded.Add(estimate.Credits - charged);
        return (result.Status, body);
    }

    private MeterOutcome NotAdmitted(AdmissionResult admission, string? tenant = null)
    {
        if (admission.Outcome == AdmissionOutcome.RateLimited)
        {
            telemetry.RateLimitRejections.Add(1);
        }

        if (tenant is not null)
        {
            refusals.Remember(tenant, admission);
        }

        return new MeterOutcome(MeterVerdict.NotAdmitted, 0, [], admission);
    }

    // What a retry with the same key gets: the response itself, or, past the size kept per record, an error that says
    // the work was done and is not repeated (storing multi-megabyte answers for a day per key is the tenant's to pay).
    private StoredResponse StoredReplay(int status, byte[] body)
    {
        var limit = options.Value.MaxStoredResponseBytes;
        if (body.Length <= limit)
        {
            return new StoredResponse(status, "application/json", body);
        }

        var message = $"The request with this Idempotency-Key completed with status {status}, but its response ({body.Length} bytes) was larger than "
            + $"the {limit} bytes kept for replays, so it cannot be sent again; the work is not repeated or charged again. Use a new key to run it again.";
        return new StoredResponse(409, "application/json", new ApiError(message, "invalid_request_error", "idempotent_response_not_stored").ToUtf8());
    }

    private long StoredBytes(bool stored, byte[] body) => stored ? Math.Min(body.Length, options.Value.MaxStoredResponseBytes) : 0;

    private static string Fingerprint(MeteredRequest request) =>
        Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{request.Operation}\n{request.Canonical?.Invoke()}")));

    // How a run ended, in the terms both books (ledger and lease) record.
    private sealed record Settled(bool Commit, long Credits, int Images, int Texts, bool Refused, long DecodeMilliseconds, long StoredBytes)
    {
        public static Settled Refund { get; } = new(false, 0, 0, 0, false, 0, 0);
    }
}
