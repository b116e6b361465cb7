using System.Diagnostics;

namespace ClipGrains.Host.Bench;

/// <summary>This process's CPU time, every thread (ONNX Runtime's native pool included).</summary>
internal static class ProcessCpu
{
    public static TimeSpan Now()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}
