using System.Buffers;
using System.Runtime.InteropServices;

namespace ClipGrains.Inference.Imaging;

/// <summary>
/// The system's libjpeg-turbo through its TurboJPEG API (Debian: <c>libturbojpeg0</c>), used for JPEG when present.
/// Why: SkiaSharp's Linux x64 build compiles its libjpeg-turbo without the SIMD code, so a 640×480 photo takes
/// ~5 ms to decode there and ~2 ms here. The output is the same: both are libjpeg-turbo with its defaults (accurate
/// integer IDCT, fancy upsampling), which is also what Pillow uses, and the SIMD routines are bit-exact with the C
/// ones. Anything this path does not take on — CMYK/YCCK, a decode that reports an error or even a warning
/// (truncated or corrupt data) — returns <see langword="null"/> and goes to Skia, so every error and every
/// tolerated oddity keeps the behaviour the rest of the decoder defines.
/// </summary>
internal sealed unsafe class TurboJpeg
{
    private const int PixelFormatRgb = 0;
    private const int ColorspaceRgb = 0;
    private const int ColorspaceYCbCr = 1;
    private const int ColorspaceGray = 2;

    private static readonly string[] LibraryNames = ["libturbojpeg.so.0", "libturbojpeg.so", "libturbojpeg.0.dylib", "turbojpeg.dll", "turbojpeg"];

    private readonly delegate* unmanaged<nint> _initDecompress;
    private readonly delegate* unmanaged<nint, byte*, CULong, int*, int*, int*, int*, int> _decompressHeader3;
    private readonly delegate* unmanaged<nint, byte*, CULong, byte*, int, int, int, int, int, int> _decompress2;
    private readonly delegate* unmanaged<nint, int> _destroy;

    private TurboJpeg(nint library)
    {
        _initDecompress = (delegate* unmanaged<nint>)NativeLibrary.GetExport(library, "tjInitDecompress");
        _decompressHeader3 = (delegate* unmanaged<nint, byte*, CULong, int*, int*, int*, int*, int>)NativeLibrary.GetExport(library, "tjDecompressHeader3");
        _decompress2 = (delegate* unmanaged<nint, byte*, CULong, byte*, int, int, int, int, int, int>)NativeLibrary.GetExport(library, "tjDecompress2");
        _destroy = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(library, "tjDestroy");
    }

    /// <summary>The system's library, loaded once per process; <see langword="null"/> when it is not installed.</summary>
    public static TurboJpeg? System { get; } = Load();

    private static TurboJpeg? Load()
    {
        foreach (var name in LibraryNames)
        {
            if (NativeLibrary.TryLoad(name, typeof(TurboJpeg).Assembly, null, out var library))
            {
                try
                {
                    return new TurboJpeg(library);
                }
                catch (EntryPointNotFoundException)
                {
                    NativeLibrary.Free(library);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Decodes <paramref name="jpeg"/>, whose size Skia read as <paramref name="width"/>×<paramref name="height"/>,
    /// into RGB (rented from <paramref name="pool"/> when given); <see langword="null"/> when Skia should do it.
    /// </summary>
    public byte[]? TryDecode(ReadOnlySpan<byte> jpeg, int width, int height, ArrayPool<byte>? pool)
    {
        var handle = _initDecompress();
        if (handle == 0)
        {
            return null;
        }

        try
        {
            fixed (byte* source = jpeg)
            {
                int w, h, subsampling, colorspace;
                var size = new CULong((nuint)jpeg.Length);
                if (_decompressHeader3(handle, source, size, &w, &h, &subsampling, &colorspace) != 0
                    || w != width || h != height
                    || colorspace is not (ColorspaceYCbCr or ColorspaceGray or ColorspaceRgb))
                {
                    return null;
                }

                var length = checked(width * height * 3);
                var rgb = pool?.Rent(length) ?? new byte[length];
                fixed (byte* destination = rgb)
                {
                    // Pitch 0 = width × 3: rows packed, as RgbImage holds them. Flags 0 = libjpeg's defaults.
                    if (_decompress2(handle, source, size, destination, width, 0, height, PixelFormatRgb, 0) == 0)
                    {
                        return rgb;
                    }
                }

                pool?.Return(rgb);
                return null;
            }
        }
        finally
        {
            _ = _destroy(handle);
        }
    }
}
