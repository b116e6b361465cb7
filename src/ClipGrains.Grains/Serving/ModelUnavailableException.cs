namespace ClipGrains.Grains.Serving;

/// <summary>A model could not be made ready for a request: <see cref="Code"/> is an <see cref="Abstractions.Encoding.EncodeFailure"/> code.</summary>
public sealed class ModelUnavailableException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary><c>model_loading</c>, <c>model_capacity</c>, <c>model_unavailable</c> or <c>model_unknown</c>.</summary>
    public string Code { get; } = code;
}
