using System.Text.Json;
using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Inputs;

namespace ClipGrains.Gateway.Tests.Inputs;

/// <summary>Image inputs read from the JSON string's UTF-8 bytes: the same answers as the string path, without its copies.</summary>
public sealed class DataUriJsonTests
{
    private static readonly byte[] Image = [.. Enumerable.Range(0, 3 * 1024 * 1024 + 1).Select(i => (byte)(i * 31))];

    private static JsonElement Json(string value) => JsonDocument.Parse(JsonSerializer.Serialize(value)).RootElement.Clone();

    [Theory]
    [InlineData("data:image/png;base64,")]
    [InlineData("DATA:application/octet-stream;BASE64,")]
    [InlineData("")]
    public void A_payload_decodes_to_the_same_bytes_as_the_string_path(string prefix)
    {
        var value = prefix + Convert.ToBase64String(Image);

        Assert.Equal(DataUri.Image(value, "input[0]").Image, DataUri.Image(Json(value), "input[0]").Image);
        Assert.Equal(Image, DataUri.Image(Json(value), "input[0]").Image);
    }

    [Fact]
    public void An_escaped_payload_is_unescaped_without_utf16_and_a_url_is_kept_as_a_url()
    {
        var escaped = JsonDocument.Parse("\"data:image/png;base64,AAEC\\/w==\"").RootElement;

        Assert.Equal([0, 1, 2, 255], DataUri.Image(escaped, "input[0]").Image);
        Assert.Equal(("https://example.com/a.png", (byte[]?)null), (DataUri.Image(Json("https://example.com/a.png"), "input[0]").Url, DataUri.Image(Json("https://example.com/a.png"), "input[0]").Image));
    }

    [Theory]
    [InlineData("data:image/png,AAAA", "invalid_image_url")]
    [InlineData("data:image/png;base64,@@@@", "invalid_base64")]
    [InlineData("data:image/png;base64,", "invalid_base64")]
    public void Bad_payloads_are_the_same_400s_as_before(string value, string code)
    {
        Assert.Equal(code, Assert.Throws<ApiException>(() => DataUri.Image(Json(value), "input[0]")).Code);
        Assert.Equal(code, Assert.Throws<ApiException>(() => DataUri.Image(value, "input[0]")).Code);
    }

    [Fact]
    public void A_large_image_allocates_its_bytes_once_and_no_utf16_copy_of_its_base64()
    {
        var element = Json("data:image/png;base64," + Convert.ToBase64String(Image));
        DataUri.Image(element, "warm-up");

        var before = GC.GetAllocatedBytesForCurrentThread();
        var input = DataUri.Image(element, "input[0]");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The string path allocated the base64 as UTF-16 (8 MB here) and the bytes twice (7 MB) for a 3 MB image.
        Assert.Equal(Image.Length, input.Image!.Length);
        Assert.InRange(allocated, Image.Length, Image.Length + (64 * 1024));
    }
}
