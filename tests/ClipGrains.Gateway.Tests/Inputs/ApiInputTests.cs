using ClipGrains.Gateway.Inputs;

namespace ClipGrains.Gateway.Tests.Inputs;

public sealed class ApiInputTests
{
    [Fact]
    public void The_image_hash_is_the_hex_sha256_of_the_bytes_and_a_copy_with_other_bytes_hashes_those()
    {
        var input = new ApiInput(null, [1, 2, 3], "input");

        Assert.Equal("039058C6F2C0CB492C533B0A4D14EF77CC0F78ABCCCED5287D84A1A2011CFB81", input.ImageHash);

        var fetched = input with { Image = [] };
        Assert.Equal("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", fetched.ImageHash);
        Assert.Throws<InvalidOperationException>(() => new ApiInput("a text", null, "input").ImageHash);
    }
}
