using System.Text.Json;
using ClipGrains.Gateway.Errors;
using ClipGrains.Scoring;

namespace ClipGrains.Gateway.Inputs;

/// <summary>Reads a caller's vector: an array of exactly <c>dimensions</c> finite numbers, not all zero, unit-normalised on the way in.</summary>
internal static class EmbeddingReader
{
    public static float[] Read(JsonElement value, string param, int dimensions, string model)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.BadRequest($"'{param}' must be an array of {dimensions} numbers.", param, "invalid_embedding");
        }

        if (value.GetArrayLength() != dimensions)
        {
            throw ApiException.BadRequest(
                $"'{param}' has {value.GetArrayLength()} numbers; {model}'s embeddings (this collection's) have {dimensions}.", param, "embedding_dimension_mismatch");
        }

        var vector = new float[dimensions];
        var index = 0;
        var nonZero = false;
        foreach (var element in value.EnumerateArray())
        {
            // JSON has no NaN or infinity, but a finite double can overflow a float.
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var number) || !float.IsFinite((float)number))
            {
                throw ApiException.BadRequest($"'{param}[{index}]' must be a finite number.", $"{param}[{index}]", "invalid_embedding");
            }

            vector[index++] = (float)number;
            nonZero |= number != 0;
        }

        if (!nonZero)
        {
            throw ApiException.BadRequest($"'{param}' is all zeros; a zero vector has no direction to compare.", param, "invalid_embedding");
        }

        return VectorMath.Normalize(vector);
    }
}
