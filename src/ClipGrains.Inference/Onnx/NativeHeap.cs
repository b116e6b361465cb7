using System.Runtime.InteropServices;

namespace ClipGrains.Inference.Onnx;

/// <summary>
/// Hands memory freed by an unloaded model back to the operating system. ONNX Runtime frees a session's buffers with
/// the C allocator, which keeps freed pages in its arenas for reuse: without a trim, a silo's resident memory stays at
/// its peak after an unload (measured: 135 of 1,150 MB returned for ViT-B/32), so the memory budget would be fiction.
/// </summary>
public static partial class NativeHeap
{
    /// <summary>Collects managed garbage, then asks glibc to return free arena pages (Linux only; a no-op elsewhere).</summary>
    public static void Trim()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        if (OperatingSystem.IsLinux())
        {
            try
            {
                _ = MallocTrim(0);
            }
            catch (EntryPointNotFoundException)
            {
                // Not glibc (musl): nothing to trim.
            }
            catch (DllNotFoundException)
            {
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
