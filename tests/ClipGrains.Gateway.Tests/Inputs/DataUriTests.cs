using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Inputs;

namespace ClipGrains.Gateway.Tests.Inputs;

public sealed class DataUriTests
{
    [Fact]
    public void Decodes_base64_payload_whatever_image_type_is_declared()
    {
        Assert.Equal(new byte[] { 1, 2, 3 }, DataUri.DecodeImage("data:image/svg+xml;base64,AQID", "p"));
    }

    [Theory]
    [InlineData("http://example.com/x.png", "invalid_image_url")]
    [InlineData("ftp://example.com/x.png", "invalid_image_url")]
    [InlineData("data:image/png,AQID", "invalid_image_url")]
    [InlineData("data:image/png;base64,", "invalid_base64")]
    [InlineData("data:image/png;base64,A$ID", "invalid_base64")]
    public void Refuses_with_a_code_that_says_what_to_fix(string uri, string code)
    {
        var error = Assert.Throws<ApiException>(() => DataUri.DecodeImage(uri, "input[3]"));

        Assert.Equal(400, error.Status);
        Assert.Equal(code, error.Code);
        Assert.Equal("input[3]", error.Param);
    }

    [Theory]
    [InlineData("data:application/octet-stream;base64,AQID")]
    [InlineData("data:application/pdf;base64,AQID")]
    [InlineData("data:;base64,AQID")]
    public void Any_declared_media_type_or_none_is_decoded_and_left_to_the_sniffer(string uri)
    {
        Assert.Equal(new byte[] { 1, 2, 3 }, DataUri.DecodeImage(uri, "p"));
    }

    [Fact]
    public void Http_urls_are_kept_for_the_fetcher_and_data_uris_and_raw_base64_decoded()
    {
        Assert.Equal(new ApiInput(null, null, "p", "https://example.com/x.png"), DataUri.Image("https://example.com/x.png", "p"));
        Assert.Equal(new byte[] { 1 }, DataUri.Image("data:image/png;base64,AQ==", "p").Image);
        Assert.Equal(new byte[] { 1, 2, 3 }, DataUri.Image("AQID", "p").Image);
        Assert.Equal("invalid_image_url", Assert.Throws<ApiException>(() => DataUri.Image("ftp://example.com/x.png", "p")).Code);
        Assert.Equal("invalid_base64", Assert.Throws<ApiException>(() => DataUri.Image("not base64!", "p")).Code);
    }
}
