using System.Text.Json.Serialization;

namespace ClipGrains.Gateway.Contracts;

/// <summary>A model, in OpenAI's shape (<c>GET /v1/models/{id}</c>).</summary>
/// <param name="Id">The model id to send as <c>model</c>.</param>
/// <param name="Created">Release time, Unix seconds.</param>
/// <param name="OwnedBy">Who published the weights.</param>
/// <param name="CopiesLoaded">Silos holding it loaded now (0: it loads on the next request).</param>
/// <param name="CopiesLoading">Silos loading it now.</param>
/// <remarks>In OpenAI's order: id, object, created, owned_by; then ClipGrains' own fields.</remarks>
internal sealed record ModelObject(
    string Id,
    [property: JsonPropertyOrder(2)] long Created,
    [property: JsonPropertyOrder(3)] string OwnedBy,
    [property: JsonPropertyOrder(4)] int CopiesLoaded,
    [property: JsonPropertyOrder(5)] int CopiesLoading)
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
