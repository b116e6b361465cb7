using ClipGrains.Inference.Imaging;
using ClipGrains.Inference.Tests.Support;

namespace ClipGrains.Inference.Tests.Imaging;

public sealed class HostileImageTests
{
    public static TheoryData<string> Cases() => new(HostileImages.Corpus().Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_hostile_case_is_refused_with_its_kind_or_decoded_safely(string name)
    {
        var (_, bytes, status, code) = HostileImages.Corpus().Single(c => c.Name == name);
        var preprocessor = new ClipImagePreprocessor(new ClipGrains.Inference.Model.PreprocessorSettings(
            224, 224, 224, true, true, true, 1 / 255.0, true, [0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]));

        if (status == 200)
        {
            var image = ImageDecoder.Decode(bytes);
            preprocessor.Process(image, new float[preprocessor.TensorLength]);
            return;
        }

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes));
        var expected = code switch
        {
            "image_too_large" => ImageDecodeError.TooLarge,
            "unsupported_image_format" => ImageDecodeError.UnsupportedFormat,
            _ => ImageDecodeError.Invalid,
        };
        Assert.Equal(expected, error.Error);
    }

    [Fact]
    public void The_bomb_generator_declares_what_it_says()
    {
        var bomb = HostileImages.GrayPng(60000, 60000, rows: 0);

        Assert.True(bomb.Length < 100);
        Assert.Equal(SkiaSharp.SKEncodedImageFormat.Png, ImageFormatSniffer.Sniff(bomb));
    }
}
