namespace ClipGrains.Inference.Onnx;

/// <summary>How one ONNX Runtime session was created.</summary>
/// <param name="Duration">Reading, optimising (unless cached) and initialising the graph.</param>
/// <param name="FromCache">Whether the optimised graph came from <see cref="Model.ClipModelOptions.OptimizedGraphCache"/>.</param>
public sealed record SessionLoad(TimeSpan Duration, bool FromCache);
