using System.Text.Json.Serialization;

namespace ClipGrains.Gateway.Contracts;

/// <summary>A model, in OpenAI's shape (<c>GET /v1/models/{id}</c>).</summary>
/// <param name="Id">The model id to send as <c>model</c>.</param>
/// <param name="Created">Release time, Unix seconds.</param>
/// <param name="OwnedBy">Who published the weights.</param>
/// <remarks>In OpenAI's order: id, object, created, owned_by.</remarks>
internal sealed record ModelObject(
    string Id, [property: JsonPropertyOrder(2)] long Created, [property: JsonPropertyOrder(3)] string OwnedBy)
{
    /// <summary>Always <c>model</c>.</summary>
    [JsonPropertyOrder(1)]
    public string Object { get; } = "model";
}

/// <summary>The models this server serves (<c>GET /v1/models</c>).</summary>
/// <param name="Data">One entry per model.</param>
internal sealed record ModelList(IReadOnlyList<ModelObject> Data)
{
    /// <summary>Always <c>list</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Object { get; } = "list";
}
