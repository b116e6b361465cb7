using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ClipGrains.Client;

/// <summary>One key on one HttpClient: sends a request, turns error responses into <see cref="ClipGrainsApiException"/>.</summary>
internal sealed class ApiConnection(HttpClient http, string key)
{
    public async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> result, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        using var response = await SendRawAsync(method, path, content, cancellationToken, idempotencyKey).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(result, cancellationToken).ConfigureAwait(false)
            ?? throw new ClipGrainsApiException((int)response.StatusCode, null, null, null, "The response body was empty.", RequestId(response));
    }

    public async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path.TrimStart('/'), UriKind.Relative)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ErrorAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    public static JsonContent Json<T>(T body, JsonTypeInfo<T> type) => JsonContent.Create(body, type);

    private static async Task<ClipGrainsApiException> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ErrorBody? error = null;
        try
        {
            error = (await response.Content.ReadFromJsonAsync(ClientJson.Default.ErrorEnvelope, cancellationToken).ConfigureAwait(false))?.Error;
        }
        catch (JsonException)
        {
            // Not an API error body (a proxy's page, say): the status alone is reported.
        }

        return new ClipGrainsApiException(
            (int)response.StatusCode, error?.Type, error?.Code, error?.Param, error?.Message ?? $"HTTP {(int)response.StatusCode}", RequestId(response));
    }

    private static string? RequestId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-request-id", out var values) ? values.FirstOrDefault() : null;
}
