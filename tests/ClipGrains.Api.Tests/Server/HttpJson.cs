using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ClipGrains.Api.Tests.Server;

public static class HttpJson
{
    public static StringContent Body(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    public static StringContent Raw(string json, string contentType = "application/json") => new(json, new MediaTypeHeaderValue(contentType));

    public static async Task<(int Status, JsonElement Json)> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return ((int)response.StatusCode, document.RootElement.Clone());
    }

    public static string DataUri(string path, string mediaType = "image/png") => $"data:{mediaType};base64,{Convert.ToBase64String(File.ReadAllBytes(path))}";

    public static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => e.GetSingle()).ToArray();

    public static void AssertError(int expectedStatus, string expectedCode, (int Status, JsonElement Json) actual, string? expectedParam = null)
    {
        Assert.Equal(expectedStatus, actual.Status);
        var error = actual.Json.GetProperty("error");
        Assert.Equal(expectedCode, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        // OpenAI's types: 429s carry their code as type (rate_limit_exceeded, insufficient_quota), 5xx server_error.
        var expectedType = expectedStatus switch { 429 => expectedCode, >= 500 => "server_error", _ => "invalid_request_error" };
        Assert.Equal(expectedType, error.GetProperty("type").GetString());
        if (expectedParam is not null)
        {
            Assert.Equal(expectedParam, error.GetProperty("param").GetString());
        }
    }
}
