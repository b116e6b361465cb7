using System.Text.Json;
using ClipGrains.Abstractions.Errors;
using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Gateway.Errors;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Tenancy;

/// <summary>
/// The HTTP side of a charged request: hands it to the silo's <see cref="ITenantMeter"/> with its estimate and
/// Idempotency-Key, and maps the meter's outcome to a status, headers and body. Policy lives in the meter; this only
/// translates.
/// </summary>
internal sealed class ChargedRequests(ITenantMeter meter, IOptions<AuthOptions> auth)
{
    private const string KeyHeader = "Idempotency-Key";

    /// <param name="context">The request.</param>
    /// <param name="canonicalBody">The request's meaning as text, for the idempotency fingerprint (evaluated only with a key).</param>
    /// <param name="estimate">The price to reserve.</param>
    /// <param name="work">The request's work.</param>
    public Task<IResult> RunAsync(HttpContext context, Func<string> canonicalBody, Charge estimate, Func<Task<ChargedResult>> work) =>
        RunAsync(context, canonicalBody, estimate, hold: null, _ => work());

    /// <summary>
    /// Like <see cref="RunAsync(HttpContext, Func{string}, Charge, Func{Task{ChargedResult}})"/>, for work that may hand its
    /// reservation (held for <paramref name="hold"/>) to a grain that settles it after the request.
    /// </summary>
    public async Task<IResult> RunAsync(HttpContext context, Func<string> canonicalBody, Charge estimate, TimeSpan? hold, Func<MeterTicket, Task<ChargedResult>> work)
    {
        if (!auth.Value.Required)
        {
            var free = await work(new MeterTicket(null));
            return Results.Json(free.Body(free.Actual.Credits), ApiJson.Options, statusCode: free.Status);
        }

        var request = new MeteredRequest(RequestTenant.Of(context), RequestTenant.KeyOf(context), RequestRoute.Of(context), estimate)
        {
            IdempotencyKey = IdempotencyKey(context),
            Operation = $"{context.Request.Method} {context.Request.Path}",
            Canonical = canonicalBody,
            Hold = hold,
            Collection = RequestRoute.CollectionOf(context),
        };
        MeterOutcome outcome;
        try
        {
            outcome = await RunMeteredAsync(request, work);
        }
        catch (AbandonedWorkException abandoned) when (abandoned.InnerException is ApiException failure)
        {
            // Recorded by the meter; the caller gets the failure itself (a 5xx with Retry-After).
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            throw;
        }

        switch (outcome.Verdict)
        {
            case MeterVerdict.NotAdmitted:
                throw AdmissionErrors.Of(outcome.Admission!);
            case MeterVerdict.KeyInUse:
                // Retryable once the first request completes: Retry-After makes the SDKs retry it (x-should-retry: true).
                throw new ApiException(409, "invalid_request_error", "idempotency_key_in_use", "A request with this Idempotency-Key is still being processed; retry after it completes.")
                {
                    RetryAfter = TimeSpan.FromSeconds(1),
                };
            case MeterVerdict.KeyReused:
                throw new ApiException(422, "invalid_request_error", "idempotency_key_reused", "This Idempotency-Key was used with a different request; use a new key for a new request.");
            case MeterVerdict.Replayed:
                context.Response.Headers["Idempotent-Replayed"] = "true";
                break;
            default:
                RateLimitHeaders.Write(context.Response, outcome.Admission!);
                break;
        }

        return new BytesResult(outcome.Status, outcome.ContentType, outcome.Body);
    }

    private Task<MeterOutcome> RunMeteredAsync(MeteredRequest request, Func<MeterTicket, Task<ChargedResult>> work) =>
        meter.RunAsync(request, async ticket =>
        {
            try
            {
                var result = await work(ticket);
                return MeteredWork.Done(result.Status, credits => JsonSerializer.SerializeToUtf8Bytes(result.Body(credits), ApiJson.Options), result.Actual);
            }
            catch (ApiException e) when (e.Status < 500 && !ticket.HandedOver)
            {
                // The request was bad in a way only the work could discover (an undecodable image): its final answer.
                return MeteredWork.Refused(e.Status, new ApiError(e.Message, e.Type, e.Code, e.Param).ToUtf8(), e.Code, e.RefusedWorkMilliseconds);
            }
            catch (ApiException e) when (!ticket.HandedOver)
            {
                // Failed on our side after it ran (timed out, overloaded): the meter records it, uncharged, and rethrows.
                throw new AbandonedWorkException(e.Code, e.RefusedWorkMilliseconds, e);
            }
        });

    private static string? IdempotencyKey(HttpContext context)
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

        return key;
    }
}
