using System.Security.Cryptography;
using System.Text.Json;
using System.Text;
using ClipGrains.Abstractions.Telemetry;
using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Gateway.Errors;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Tenancy;

/// <summary>
/// Runs a charged request: idempotency claim, then rate limits and credit reservation in one call to the
/// tenant's grain (nothing runs unless both pass), then the work, then commit at the actual cost or refund.
/// With an <c>Idempotency-Key</c>, the final response is stored and replayed byte for byte to retries
/// (<c>Idempotent-Replayed: true</c>), which are never charged again; failures that are the server's (5xx)
/// release the key so a retry can run.
/// </summary>
internal sealed class Metering(
    IGrainFactory grains, IOptions<AuthOptions> auth, IOptions<GatewayOptions> gateway, ClipGrainsTelemetry telemetry, Leases.LeaseLedger leases, TimeProvider time)
{
    private const string KeyHeader = "Idempotency-Key";

    /// <param name="context">The request.</param>
    /// <param name="canonicalBody">
    /// The request's meaning as text, for the idempotency fingerprint; only evaluated when an Idempotency-Key is sent
    /// (for classifications it hashes every image, which a request without a key should not pay for).
    /// </param>
    /// <param name="estimate">The price to reserve.</param>
    /// <param name="work">The request's work.</param>
    public Task<IResult> RunAsync(HttpContext context, Func<string> canonicalBody, Charge estimate, Func<Task<ChargedResult>> work) =>
        RunAsync(context, canonicalBody, estimate, hold: null, _ => work());

    /// <summary>
    /// Like <see cref="RunAsync(HttpContext, Func{string}, Charge, Func{Task{ChargedResult}})"/>, for work that may hand its
    /// reservation (held for <paramref name="hold"/>) to a grain that settles it after the request.
    /// </summary>
    public async Task<IResult> RunAsync(HttpContext context, Func<string> canonicalBody, Charge estimate, TimeSpan? hold, Func<ReservationTicket, Task<ChargedResult>> work)
    {
        if (!auth.Value.Required)
        {
            var free = await work(new ReservationTicket(null));
            return Json(free.Status, free.Body(free.Actual.Credits));
        }

        var tenant = RequestTenant.Of(context);
        var idempotency = IdempotencyGrain(context, tenant);
        var fingerprint = idempotency is null ? string.Empty : Fingerprint(context.Request, canonicalBody());
        if (idempotency is not null)
        {
            var decision = await idempotency.Begin(fingerprint, gateway.Value.RequestTimeout * 2);
            switch (decision.Outcome)
            {
                case IdempotencyOutcome.Replay:
                    // A replay costs no credits but is a request like any other: it counts against the request limit.
                    ThrowUnlessAdmitted(await grains.GetGrain<ITenantGrain>(tenant).Take(read: false));
                    context.Response.Headers["Idempotent-Replayed"] = "true";
                    return new BytesResult(decision.Response!.Status, decision.Response.ContentType, decision.Response.Body);
                case IdempotencyOutcome.InFlight:
                    // Retryable once the first request completes: Retry-After makes the SDKs retry it (x-should-retry: true).
                    throw new ApiException(409, "invalid_request_error", "idempotency_key_in_use", "A request with this Idempotency-Key is still being processed; retry after it completes.")
                    {
                        RetryAfter = TimeSpan.FromSeconds(1),
                    };
                case IdempotencyOutcome.Mismatch:
                    throw new ApiException(422, "invalid_request_error", "idempotency_key_reused", "This Idempotency-Key was used with a different request; use a new key for a new request.");
            }
        }

        var completed = false;
        try
        {
            var (status, body) = await AdmitRunSettleAsync(context, tenant, estimate, hold, work, stored: idempotency is not null);
            if (idempotency is not null)
            {
                await idempotency.Complete(fingerprint, StoredReplay(status, body));
            }

            completed = true;
            return new BytesResult(status, "application/json", body);
        }
        finally
        {
            if (!completed && idempotency is not null)
            {
                await idempotency.Abandon(fingerprint);
            }
        }
    }

    // What a retry with the same key gets: the response itself, or, past the size kept per record, an error that says
    // the work was done and is not repeated (storing multi-megabyte answers for a day per key is the tenant's to pay).
    private StoredResponse StoredReplay(int status, byte[] body)
    {
        var limit = gateway.Value.MaxStoredResponseBytes;
        if (body.Length <= limit)
        {
            return new StoredResponse(status, "application/json", body);
        }

        var message = $"The request with this Idempotency-Key completed with status {status}, but its response ({body.Length} bytes) was larger than "
            + $"the {limit} bytes kept for replays, so it cannot be sent again; the work is not repeated or charged again. Use a new key to run it again.";
        return new StoredResponse(409, "application/json", JsonSerializer.SerializeToUtf8Bytes(
            new { error = new { message, type = "invalid_request_error", param = (string?)null, code = "idempotent_response_not_stored" } }, ApiJson.Options));
    }

    private long StoredBytes(bool stored, byte[] body) => stored ? Math.Min(body.Length, gateway.Value.MaxStoredResponseBytes) : 0;

    private async Task<(int Status, byte[] Body)> AdmitRunSettleAsync(
        HttpContext context, string tenant, Charge estimate, TimeSpan? hold, Func<ReservationTicket, Task<ChargedResult>> work, bool stored)
    {
        // A busy tenant's request is admitted from this silo's lease when it covers it; work whose reservation a grain
        // takes over (label-set builds) always goes through the ledger.
        if (hold is null && leases.TryAdmit(tenant, estimate, out var limits) is { } leased)
        {
            RateLimitHeaders.Write(context.Response, new AdmissionResult(AdmissionOutcome.Admitted, limits.Requests, limits.Images, null, 0));
            return await RunLeasedAsync(context, tenant, estimate, leased, () => work(new ReservationTicket(null)), stored);
        }

        var account = grains.GetGrain<ITenantGrain>(tenant);
        var reservation = Guid.NewGuid().ToString("N");
        var ticket = new ReservationTicket(reservation);
        var admission = await account.Admit(new Admission(reservation, estimate.Images, estimate.Credits, hold));
        RateLimitHeaders.Write(context.Response, admission);
        if (admission.Outcome == AdmissionOutcome.RateLimited)
        {
            telemetry.RateLimitRejections.Add(1);
        }

        ThrowUnlessAdmitted(admission);
        telemetry.CreditsReserved.Add(estimate.Credits);

        ChargedResult result;
        try
        {
            result = await work(ticket);
        }
        catch (Exception) when (ticket.HandedOver)
        {
            // The grain that took the reservation settles it; refunding here would make its build free.
            throw;
        }
        catch (ApiException e) when (e.Status < 500)
        {
            // The request was bad in a way only the work could discover (an undecodable image): nothing is charged,
            // and the error is the request's final answer, so it is what a retry with the same key gets too.
            // Refused work is not charged (the caller paid nothing for a request that returned nothing), but it is no
            // secret either: the tenant's usage counts it with the decoding time it took, and so do the metrics.
            var error = JsonSerializer.SerializeToUtf8Bytes(new { error = new { message = e.Message, type = e.Type, param = e.Param, code = e.Code } }, ApiJson.Options);
            await account.Settle(new Settlement(
                reservation, Commit: false, 0, 0, 0, Refused: true, DecodeMilliseconds: e.RefusedWorkMilliseconds, StoredResponseBytes: StoredBytes(stored, error),
                Model: estimate.Model, KeyId: RequestTenant.KeyOf(context), Route: RequestRoute.Of(context)));
            telemetry.CreditsRefunded.Add(estimate.Credits);
            telemetry.RequestsRefused.Add(1, new KeyValuePair<string, object?>("code", e.Code));
            return (e.Status, error);
        }
        catch
        {
            await account.Settle(new Settlement(reservation, Commit: false, 0, 0, 0));
            telemetry.CreditsRefunded.Add(estimate.Credits);
            throw;
        }

        if (ticket.HandedOver)
        {
            // Reported as reserved: the owner commits what it computes and releases the rest.
            return (result.Status, JsonSerializer.SerializeToUtf8Bytes(result.Body(estimate.Credits), ApiJson.Options));
        }

        var charged = Math.Min(result.Actual.Credits, estimate.Credits);
        var body = JsonSerializer.SerializeToUtf8Bytes(result.Body(charged), ApiJson.Options);
        await account.Settle(new Settlement(
            reservation, Commit: true, charged, result.Actual.Images, result.Actual.Texts, StoredResponseBytes: StoredBytes(stored, body),
            Model: estimate.Model, KeyId: RequestTenant.KeyOf(context), Route: RequestRoute.Of(context)));
        telemetry.CreditsCommitted.Add(charged);
        telemetry.CreditsRefunded.Add(estimate.Credits - charged);
        return (result.Status, body);
    }

    // The leased twin of the ledger path below: same outcomes, settled here and recorded by this silo.
    private async Task<(int Status, byte[] Body)> RunLeasedAsync(
        HttpContext context, string tenant, Charge estimate, Leases.LeaseTicket leased, Func<Task<ChargedResult>> work, bool stored)
    {
        telemetry.CreditsReserved.Add(estimate.Credits);
        var record = new UsageRecord(
            Guid.NewGuid().ToString("N"), tenant, RequestTenant.KeyOf(context), estimate.Model, RequestRoute.Of(context), 0, 0, 0, time.GetUtcNow());
        ChargedResult result;
        try
        {
            result = await work();
        }
        catch (ApiException e) when (e.Status < 500)
        {
            var error = JsonSerializer.SerializeToUtf8Bytes(new { error = new { message = e.Message, type = e.Type, param = e.Param, code = e.Code } }, ApiJson.Options);
            await leases.SettleAsync(leased, record with
            {
                At = time.GetUtcNow(), Refused = true, DecodeMilliseconds = Math.Max(0, e.RefusedWorkMilliseconds), StoredBytes = StoredBytes(stored, error),
            });
            telemetry.CreditsRefunded.Add(estimate.Credits);
            telemetry.RequestsRefused.Add(1, new KeyValuePair<string, object?>("code", e.Code));
            return (e.Status, error);
        }
        catch
        {
            await leases.SettleAsync(leased, record with { At = time.GetUtcNow() });
            telemetry.CreditsRefunded.Add(estimate.Credits);
            throw;
        }

        var charged = Math.Min(result.Actual.Credits, estimate.Credits);
        var body = JsonSerializer.SerializeToUtf8Bytes(result.Body(charged), ApiJson.Options);
        await leases.SettleAsync(leased, record with
        {
            At = time.GetUtcNow(), Images = result.Actual.Images, Texts = result.Actual.Texts, Credits = charged, StoredBytes = StoredBytes(stored, body),
        });
        telemetry.CreditsCommitted.Add(charged);
        telemetry.CreditsRefunded.Add(estimate.Credits - charged);
        return (result.Status, body);
    }

    /// <summary>Turns a refused admission into its API error (429 rate limit or quota, 401 suspended); the one home of those errors.</summary>
    public static void ThrowUnlessAdmitted(AdmissionResult admission)
    {
        ArgumentNullException.ThrowIfNull(admission);
        switch (admission.Outcome)
        {
            case AdmissionOutcome.Admitted:
                return;
            case AdmissionOutcome.RateLimited:
                throw new ApiException(429, "rate_limit_exceeded", "rate_limit_exceeded",
                    admission.Message ?? $"Rate limit reached for this tenant ({admission.Requests?.Limit} requests, {admission.Images?.Limit} images per minute); retry after the delay in Retry-After.")
                {
                    RetryAfter = admission.RetryAfter,
                    Headers = RateLimitHeaders.Of(admission),
                };
            case AdmissionOutcome.InsufficientCredits:
                throw new ApiException(429, "insufficient_quota", "insufficient_quota", $"You exceeded your current quota: {admission.Message} Add credits to continue.")
                {
                    Headers = RateLimitHeaders.Of(admission),
                };
            default:
                throw new ApiException(401, "invalid_request_error", "invalid_api_key", "The API key's tenant is suspended.");
        }
    }

    private static string Fingerprint(HttpRequest request, string canonicalBody) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}\n{canonicalBody}")));

    private IIdempotencyGrain? IdempotencyGrain(HttpContext context, string tenant)
    {
        if (!context.Request.Headers.TryGetValue(KeyHeader, out var values))
        {
            return null;
        }

        var key = values.ToString();
        if (key.Length is 0 or > 255 || key.Any(c => c < 0x21 || c > 0x7E))
        {
            throw ApiException.BadRequest("Idempotency-Key must be 1-255 printable ASCII characters without spaces.", code: "invalid_idempotency_key");
        }

        return grains.GetGrain<IIdempotencyGrain>($"{tenant}/{key}");
    }

    private static IResult Json(int status, object body) => Results.Json(body, ApiJson.Options, statusCode: status);
}
