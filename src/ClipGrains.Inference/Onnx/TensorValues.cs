using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ClipGrains.Inference.Onnx;

/// <summary>Feeds float32 data to graphs whose I/O is float32 or float16 (the <c>_fp16</c> hub variants), and reads it back.</summary>
internal static class TensorValues
{
    public static OrtValue FromFloats(float[] data, int length, long[] shape, TensorElementType type)
    {
        if (type == TensorElementType.Float16)
        {
            var half = new Float16[length];
            for (var i = 0; i < length; i++)
            {
                half[i] = (Float16)data[i];
            }

            return OrtValue.CreateTensorValueFromMemory(half, shape);
        }

        return OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, data.AsMemory(0, length), shape);
    }

    /// <summary>Copies a [batch, dim] output into one array per row.</summary>
    public static float[][] Rows(OrtValue value)
    {
        var shape = value.GetTensorTypeAndShape();
        if (shape.Shape.Length != 2)
        {
            throw new InvalidOperationException($"Expected a [batch, dim] embedding output, got rank {shape.Shape.Length}.");
        }

        var (rows, dim) = ((int)shape.Shape[0], (int)shape.Shape[1]);
        var result = new float[rows][];
        if (shape.ElementDataType == TensorElementType.Float16)
        {
            var data = value.GetTensorDataAsSpan<Float16>();
            for (var r = 0; r < rows; r++)
            {
                result[r] = new float[dim];
                for (var d = 0; d < dim; d++)
                {
                    result[r][d] = (float)data[(r * dim) + d];
                }
            }
        }
        else
        {
            var data = value.GetTensorDataAsSpan<float>();
            for (var r = 0; r < rows; r++)
            {
                result[r] = data.Slice(r * dim, dim).ToArray();
            }
        }

        return result;
    }
}
