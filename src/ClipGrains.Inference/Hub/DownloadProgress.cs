namespace ClipGrains.Inference.Hub;

/// <summary>Progress of one file download.</summary>
/// <param name="File">Path of the file inside the repository, e.g. <c>onnx/vision_model.onnx</c>.</param>
/// <param name="Received">Bytes on disk so far, including bytes kept from an earlier, interrupted attempt.</param>
/// <param name="Total">Full size when the server says it, else null.</param>
public sealed record DownloadProgress(string File, long Received, long? Total);
