using ClipGrains.Gateway.Errors;

namespace ClipGrains.Gateway;

/// <summary>The model ids the API serves.</summary>
internal static class ModelCatalog
{
    public const string Id = "clip-vit-base-patch32";
    public const string Alias = "openai/clip-vit-base-patch32";

    // CLIP's release (2021-01-05), as OpenAI's model objects give a creation time.
    public const long Created = 1609804800;

    /// <summary>Whether <paramref name="id"/> names the model, also URL-encoded (SDKs send <c>openai%2Fclip-vit-base-patch32</c>).</summary>
    public static bool Serves(string id) => id is Id or Alias || Uri.UnescapeDataString(id) is Id or Alias;

    /// <summary>Validates a request's <c>model</c>; a missing one means the default.</summary>
    public static string Resolve(string? requested)
    {
        if (requested is null || Serves(requested))
        {
            return Id;
        }

        throw ApiException.NotFound($"The model '{requested}' does not exist; this server serves '{Id}' (alias '{Alias}').", "model_not_found", "model");
    }

    public static Contracts.ModelObject Describe() => new(Id, Created, "openai");
}
