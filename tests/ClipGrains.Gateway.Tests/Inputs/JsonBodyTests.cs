using System.Text;
using System.Text.Json;
using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Inputs;
using Microsoft.AspNetCore.Http;

namespace ClipGrains.Gateway.Tests.Inputs;

public sealed class JsonBodyTests
{
    private static (HttpRequest Request, MemoryStream Body) Request(byte[] body)
    {
        var stream = new MemoryStream(body);
        var context = new DefaultHttpContext();
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = body.Length;
        context.Request.Body = stream;
        return (context.Request, stream);
    }

    private static async Task<ApiException> RefusedAsync(byte[] body, int maxArrayItems = 256) =>
        await Assert.ThrowsAsync<ApiException>(() => JsonBody.ReadObjectAsync(Request(body).Request, maxArrayItems));

    [Fact]
    public async Task An_array_past_the_limit_is_refused_while_streaming_without_reading_the_rest()
    {
        // 4 million items, 8 MB: the read must stop at item 257, long before the end of the body.
        var body = Encoding.UTF8.GetBytes("{\"input\":[" + string.Join(',', Enumerable.Repeat("1", 4_000_000)) + "]}");
        var (request, stream) = Request(body);

        var error = await Assert.ThrowsAsync<ApiException>(() => JsonBody.ReadObjectAsync(request, 256));

        Assert.Equal((400, "too_many_items", "input"), (error.Status, error.Code, error.Param));
        Assert.Equal("'input' has more than 256 items; at most 256 are accepted per request.", error.Message);
        Assert.True(stream.Position < body.Length / 2, $"read {stream.Position} of {body.Length} bytes");
    }

    [Fact]
    public async Task The_document_is_read_in_place_from_the_pooled_body_not_cloned()
    {
        // A 1 MB string (a base64 image's size): a clone of the document copied all of it, and its metadata, per request.
        var payload = new string('A', 1024 * 1024);
        var body = Encoding.UTF8.GetBytes("{\"input\":\"" + payload + "\"}");
        // Warms the code; the buffer goes back to the pool when the response completes, and the next request reuses it.
        var (first, _) = Request(body);
        var ended = new CompletingResponse();
        first.HttpContext.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpResponseFeature>(ended);
        _ = await JsonBody.ReadObjectAsync(first, 256);
        await ended.CompleteAsync();

        var (request, _) = Request(body);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var read = JsonBody.ReadObjectAsync(request, 256);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(read.IsCompletedSuccessfully); // a MemoryStream body reads synchronously: the counter saw all of it
        Assert.InRange(allocated, 0, 64 * 1024);
        Assert.Equal(payload.Length, (await read).GetProperty("input").GetString()!.Length);
    }

    // What the server does at the end of a response: runs its OnCompleted callbacks (RegisterForDispose is one).
    private sealed class CompletingResponse : Microsoft.AspNetCore.Http.Features.HttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _completed = [];

        public override void OnCompleted(Func<object, Task> callback, object state) => _completed.Add((callback, state));

        public async Task CompleteAsync()
        {
            foreach (var (callback, state) in _completed)
            {
                await callback(state);
            }
        }
    }

    [Fact]
    public async Task Nested_arrays_are_bounded_too_and_named_by_path()
    {
        var error = await RefusedAsync(Encoding.UTF8.GetBytes("{\"input\":[{\"type\":\"text\",\"text\":[1,2,3]}]}"), maxArrayItems: 2);

        Assert.Equal(("too_many_items", "input[0].text"), (error.Code, error.Param));
    }

    [Theory]
    [InlineData("{\"input\":\"\\ud800\"}", "input")]
    [InlineData("{\"labels\":[\"cat\",\"dog\\udfff\"]}", "labels[1]")]
    [InlineData("{\"input\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"\\ud83d x\"}}]}", "input[0].image_url.url")]
    public async Task A_lone_surrogate_escape_is_a_400_naming_the_field(string json, string field)
    {
        var error = await RefusedAsync(Encoding.UTF8.GetBytes(json));

        Assert.Equal((400, "invalid_text", field), (error.Status, error.Code, error.Param));
        Assert.StartsWith($"'{field}' is not valid text", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Raw_bytes_that_are_not_utf8_are_a_400_naming_the_field()
    {
        byte[] body = [.. "{\"name\":\"a"u8, 0xFF, 0xFE, .. "\"}"u8];

        var error = await RefusedAsync(body);

        Assert.Equal((400, "invalid_text", "name"), (error.Status, error.Code, error.Param));
    }

    [Fact]
    public async Task An_invalid_property_name_is_a_400()
    {
        var error = await RefusedAsync(Encoding.UTF8.GetBytes("{\"\\udc00\":1}"));

        Assert.Equal((400, "invalid_text"), (error.Status, error.Code));
    }

    [Fact]
    public async Task A_valid_body_within_the_limits_is_read_whole()
    {
        var json = "{\"input\":[\"a photo of a \\u00e9clair\",\"😀\",\"a\\u002Bb\\\\ud800\",\"\\ud83d\\ude00\"],\"n\":{\"deep\":[1,2]}}";

        var body = await JsonBody.ReadObjectAsync(Request(Encoding.UTF8.GetBytes(json)).Request, 4);

        Assert.Equal("a photo of a éclair", body.GetProperty("input")[0].GetString());
        Assert.Equal("😀", body.GetProperty("input")[1].GetString());
        Assert.Equal("a+b\\ud800", body.GetProperty("input")[2].GetString());
        Assert.Equal("😀", body.GetProperty("input")[3].GetString());
        Assert.Equal(JsonValueKind.Array, body.GetProperty("n").GetProperty("deep").ValueKind);
    }

    [Fact]
    public async Task Nesting_deeper_than_16_is_invalid_json()
    {
        var error = await RefusedAsync(Encoding.UTF8.GetBytes("{\"a\":" + new string('[', 40) + new string(']', 40) + "}"), maxArrayItems: 100);

        Assert.Equal((400, "invalid_json"), (error.Status, error.Code));
    }
}
