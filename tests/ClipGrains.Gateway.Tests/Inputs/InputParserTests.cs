using System.Text.Json;
using ClipGrains.Gateway.Errors;
using ClipGrains.Gateway.Inputs;

namespace ClipGrains.Gateway.Tests.Inputs;

public sealed class InputParserTests
{
    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    [Fact]
    public void A_string_is_one_text()
    {
        var inputs = InputParser.Parse(Json("\"a cat\""), stringsAreImages: false, 10);

        Assert.Equal([new ApiInput("a cat", null, "input")], inputs);
    }

    [Fact]
    public void Arrays_keep_order_and_name_each_item()
    {
        var inputs = InputParser.Parse(
            Json("""["a", {"type":"image_url","image_url":{"url":"data:image/png;base64,AQ=="}}, {"type":"text","text":"b"}, {"type":"image_url","image_url":"data:image/png;base64,Ag=="}]"""),
            stringsAreImages: false, 10);

        Assert.Equal(["input[0]", "input[1]", "input[2]", "input[3]"], inputs.Select(i => i.Param));
        Assert.Equal([false, true, false, true], inputs.Select(i => i.IsImage));
        Assert.Equal(new byte[] { 2 }, inputs[3].Image);
        Assert.Equal("b", inputs[2].Text);
    }

    [Fact]
    public void Strings_are_images_when_asked()
    {
        var inputs = InputParser.Parse(Json("""["data:image/png;base64,AQ=="]"""), stringsAreImages: true, 10);

        Assert.Equal(new byte[] { 1 }, inputs[0].Image);
    }

    [Fact]
    public void Jina_parts_and_raw_base64_images_are_read_as_typed_parts()
    {
        var inputs = InputParser.Parse(Json("""[{"text":"a cat"},{"image":"AQID"},{"image":"data:application/octet-stream;base64,AQ=="},{"image":"https://example.com/c.png"}]"""), stringsAreImages: false, 10);

        Assert.Equal("a cat", inputs[0].Text);
        Assert.Equal(new byte[] { 1, 2, 3 }, inputs[1].Image);
        Assert.Equal("input[1]", inputs[1].Param);
        Assert.Equal(new byte[] { 1 }, inputs[2].Image);
        Assert.Equal("https://example.com/c.png", inputs[3].Url);
        Assert.Equal(new byte[] { 1, 2, 3 }, InputParser.Parse(Json("\"AQID\""), stringsAreImages: true, 10)[0].Image);
    }

    [Theory]
    [InlineData("\"data:image/jpeg;base64,AQ==\"", "ambiguous_input", "input")]
    [InlineData("[]", "invalid_request", "input")]
    [InlineData("null", "missing_required_parameter", "input")]
    [InlineData("42", "invalid_request", "input")]
    [InlineData("[\"a\", 5]", "token_ids_not_supported", "input[1]")]
    [InlineData("[{\"image\":5}]", "invalid_request", "input[0].image")]
    [InlineData("[{\"other\":\"x\"}]", "invalid_request", "input[0].type")]
    [InlineData("[{\"type\":\"text\"}]", "invalid_request", "input[0].text")]
    [InlineData("[{\"type\":\"image_url\"}]", "invalid_request", "input[0].image_url")]
    [InlineData("[{\"type\":\"image_url\",\"image_url\":{}}]", "invalid_request", "input[0].image_url")]
    [InlineData("[\"a\",\"b\",\"c\"]", "too_many_inputs", "input")]
    public void Bad_inputs_name_the_offending_item(string json, string code, string param)
    {
        var error = Assert.Throws<ApiException>(() => InputParser.Parse(Json(json), stringsAreImages: false, maxItems: 2));

        Assert.Equal((400, code, param), (error.Status, error.Code, error.Param));
    }
}
