namespace ClipGrains.Inference.Quantization;

/// <summary>What quantizing one graph did.</summary>
/// <param name="Source">The fp32 graph read.</param>
/// <param name="Output">The int8 graph written.</param>
/// <param name="MatMulsQuantized">MatMul/Gemm nodes whose constant weights became per-channel int8.</param>
/// <param name="MatMulsKept">MatMul/Gemm nodes left in fp32 (both operands computed, or a weight too small to matter).</param>
/// <param name="BytesBefore">Size of the source file.</param>
/// <param name="BytesAfter">Size of the written file.</param>
public sealed record QuantizationReport(string Source, string Output, int MatMulsQuantized, int MatMulsKept, long BytesBefore, long BytesAfter);
