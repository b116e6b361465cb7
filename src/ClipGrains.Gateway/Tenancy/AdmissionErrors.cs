using ClipGrains.Abstractions.Tenancy;
using ClipGrains.Gateway.Errors;

namespace ClipGrains.Gateway.Tenancy;

/// <summary>A refused admission as its API error (429 rate limit or quota, 401 suspended): the one home of those errors.</summary>
internal static class AdmissionErrors
{
    /// <summary>Throws the refusal's error unless <paramref name="admission"/> admitted the request.</summary>
    public static void ThrowUnlessAdmitted(AdmissionResult admission)
    {
        ArgumentNullException.ThrowIfNull(admission);
        if (admission.Outcome != AdmissionOutcome.Admitted)
        {
            throw Of(admission);
        }
    }

    /// <summary>The error of a refused admission.</summary>
    public static ApiException Of(AdmissionResult admission)
    {
        ArgumentNullException.ThrowIfNull(admission);
        return admission.Outcome switch
        {
            AdmissionOutcome.RateLimited => new ApiException(429, "rate_limit_exceeded", "rate_limit_exceeded",
                admission.Message ?? $"Rate limit reached for this tenant ({admission.Requests?.Limit} requests, {admission.Images?.Limit} images per minute); retry after the delay in Retry-After.")
            {
                RetryAfter = admission.RetryAfter,
                Headers = RateLimitHeaders.Of(admission),
            },
            AdmissionOutcome.InsufficientCredits => new ApiException(429, "insufficient_quota", "insufficient_quota", $"You exceeded your current quota: {admission.Message} Add credits to continue.")
            {
                Headers = RateLimitHeaders.Of(admission),
            },
            AdmissionOutcome.Admitted => throw new ArgumentException("The request was admitted.", nameof(admission)),
            _ => new ApiException(401, "invalid_request_error", "invalid_api_key", "The API key's tenant is suspended."),
        };
    }
}
