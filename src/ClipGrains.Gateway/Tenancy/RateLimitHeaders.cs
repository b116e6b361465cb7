using System.Globalization;
using ClipGrains.Abstractions.Tenancy;

namespace ClipGrains.Gateway.Tenancy;

/// <summary>OpenAI's <c>x-ratelimit-*</c> headers, with its duration format (<c>6m0s</c>, <c>1.5s</c>, <c>120ms</c>).</summary>
internal static class RateLimitHeaders
{
    public static void Write(HttpResponse response, AdmissionResult result)
    {
        foreach (var (name, value) in Of(result))
        {
            response.Headers[name] = value;
        }
    }

    public static Dictionary<string, string> Of(AdmissionResult result)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        Add(headers, "requests", result.Requests);
        Add(headers, "images", result.Images);
        return headers;
    }

    public static string Duration(TimeSpan value)
    {
        if (value < TimeSpan.FromSeconds(1))
        {
            return $"{Math.Ceiling(Math.Max(0, value.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture)}ms";
        }

        if (value < TimeSpan.FromMinutes(1))
        {
            return $"{Math.Round(value.TotalSeconds, 3).ToString(CultureInfo.InvariantCulture)}s";
        }

        return $"{(int)value.TotalMinutes}m{Math.Round(value.TotalSeconds % 60, 3).ToString(CultureInfo.InvariantCulture)}s";
    }

    private static void Add(Dictionary<string, string> headers, string unit, RateLimitStatus? status)
    {
        if (status is null)
        {
            return;
        }

        headers[$"x-ratelimit-limit-{unit}"] = status.Limit.ToString(CultureInfo.InvariantCulture);
        headers[$"x-ratelimit-remaining-{unit}"] = Math.Max(0, status.Remaining).ToString(CultureInfo.InvariantCulture);
        headers[$"x-ratelimit-reset-{unit}"] = Duration(status.Reset);
    }
}
