using ClipGrains.Inference.Model;
using ClipGrains.Inference.Text;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ClipGrains.Inference.Onnx;

/// <summary>
/// The text tower: <c>input_ids</c> (and <c>attention_mask</c> when the graph takes one) [batch, seq] →
/// <c>text_embeds</c> [batch, dim] (unnormalised). When the sequence axis is dynamic the batch is trimmed
/// to its longest prompt: the tower is causal and pools at the end token, so the positions after every
/// prompt's end token cannot change any embedding, and cutting them saves most of the compute.
/// </summary>
internal sealed class TextEncoder : IDisposable
{
    public const string IdsName = "input_ids";
    public const string MaskName = "attention_mask";
    public const string OutputName = "text_embeds";

    private readonly InferenceSession _session;

    /// <summary>How the session was created.</summary>
    public SessionLoad Load { get; }
    private readonly TensorElementType _idsType;
    private readonly bool _hasMask;
    private readonly int _fixedLength;

    public TextEncoder(ModelBundle bundle, ClipModelOptions options)
    {
        var path = bundle.TextModelPath;
        _session = OnnxSessionFactory.Create(path, options, out var load);
        Load = load;
        try
        {
            var ids = GraphContract.Input(_session, path, IdsName, 2, TensorElementType.Int64, TensorElementType.Int32);
            GraphContract.Dimension(ids, path, IdsName, 1, bundle.Config.ContextLength, "sequence, max_position_embeddings from config.json");
            _idsType = ids.ElementDataType;
            _fixedLength = ids.Dimensions[1] > 0 ? ids.Dimensions[1] : 0;
            _hasMask = _session.InputMetadata.ContainsKey(MaskName);
            if (_hasMask)
            {
                var mask = GraphContract.Input(_session, path, MaskName, 2, _idsType);
                GraphContract.Dimension(mask, path, MaskName, 1, bundle.Config.ContextLength, "sequence");
            }

            var extra = _session.InputMetadata.Keys.Except([IdsName, MaskName]).ToList();
            if (extra.Count > 0)
            {
                throw new ModelLoadException(path, $"unexpected inputs {string.Join(", ", extra)}: the text graph should take only input_ids and attention_mask.");
            }

            var output = GraphContract.Output(_session, path, OutputName, 2, TensorElementType.Float, TensorElementType.Float16);
            GraphContract.Dimension(output, path, OutputName, 1, bundle.Config.ProjectionDim, "projection_dim from config.json");
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>Whether the graph accepts sequences shorter than the context length.</summary>
    public bool SupportsTrimming => _fixedLength == 0;

    /// <summary>Encodes a batch; <paramref name="trim"/> false forces full padding (used to prove trimming exact).</summary>
    public float[][] Encode(IReadOnlyList<TokenizedText> batch, bool trim = true)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return [];
        }

        var fullLength = batch[0].InputIds.Length;
        var length = _fixedLength > 0 ? _fixedLength : trim ? batch.Max(t => t.Length) : fullLength;
        using var ids = CreateIds(batch, length, mask: false);
        using var mask = _hasMask ? CreateIds(batch, length, mask: true) : null;
        var names = _hasMask ? new[] { IdsName, MaskName } : [IdsName];
        var values = mask is null ? new[] { ids } : [ids, mask];
        using var run = new RunOptions();
        using var results = _session.Run(run, names, values, [OutputName]);
        return TensorValues.Rows(results[0]);
    }

    private OrtValue CreateIds(IReadOnlyList<TokenizedText> batch, int length, bool mask)
    {
        var shape = new long[] { batch.Count, length };
        if (_idsType == TensorElementType.Int32)
        {
            var data = new int[batch.Count * length];
            Fill(batch, length, mask, (i, v) => data[i] = v);
            return OrtValue.CreateTensorValueFromMemory(data, shape);
        }

        var longs = new long[batch.Count * length];
        Fill(batch, length, mask, (i, v) => longs[i] = v);
        return OrtValue.CreateTensorValueFromMemory(longs, shape);
    }

    private static void Fill(IReadOnlyList<TokenizedText> batch, int length, bool mask, Action<int, int> set)
    {
        for (var row = 0; row < batch.Count; row++)
        {
            var text = batch[row];
            for (var col = 0; col < length; col++)
            {
                set((row * length) + col, mask ? (col < text.Length ? 1 : 0) : text.InputIds[col]);
            }
        }
    }

    public void Dispose() => _session.Dispose();
}
