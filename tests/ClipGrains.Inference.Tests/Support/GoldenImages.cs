namespace ClipGrains.Inference.Tests.Support;

/// <summary>The reference images, listed so that a test per image exists even when the folder is absent (then skipped).</summary>
public static class GoldenImages
{
    public static readonly string[] Names =
    [
        "astronaut.png", "astronaut_q90.jpg", "camera.png", "chelsea.png", "chelsea_lossless.webp",
        "coffee.png", "horse.png", "one_pixel.png", "rocket.jpg", "tiny_noise_50x30.png",
    ];

    public static TheoryData<string> All() => new(Names);
}
