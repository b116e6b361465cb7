using System.Runtime.InteropServices;

namespace ClipGrains.Grains.Collections;

/// <summary>Vectors as stored: float32, little-endian, no header (the collection knows the width).</summary>
internal static class VectorBytes
{
    public static byte[] Write(float[] vector)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Vectors are stored little-endian; big-endian hosts are not supported.");
        }

        return MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();
    }

    public static float[] Read(ReadOnlySpan<byte> bytes) => MemoryMarshal.Cast<byte, float>(bytes).ToArray();
}
