using System.Globalization;
using System.Net.Http.Headers;
using ClipGrains.Client.Models;

namespace ClipGrains.Client;

/// <summary>
/// A tenant's view of the ClipGrains API: classifications (JSON or file upload), image and text embeddings, label sets
/// and usage. Give it an <see cref="HttpClient"/> whose <see cref="HttpClient.BaseAddress"/> is the server's
/// <c>/v1/</c> (trailing slash), e.g. <c>http://127.0.0.1:8080/v1/</c>. Errors are <see cref="ClipGrainsApiException"/>.
/// </summary>
public sealed partial class ClipGrainsClient
{
    private readonly ApiConnection _api;

    /// <summary>Creates the client for <paramref name="apiKey"/> (<c>cg_…</c>).</summary>
    public ClipGrainsClient(HttpClient http, string apiKey)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
        _api = new ApiConnection(http, apiKey);
    }

    /// <summary>Classifies images sent as JSON (<see cref="ClassifyRequest.Images"/> builds the data URIs).</summary>
    public Task<ClassificationList> ClassifyAsync(ClassifyRequest request, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _api.SendAsync(HttpMethod.Post, "classifications", ApiConnection.Json(request, ClientJson.Default.ClassifyRequest),
            ClientJson.Default.ClassificationList, cancellationToken, idempotencyKey);
    }

    /// <summary>Classifies one image file uploaded as multipart, against <paramref name="labels"/> or a stored <paramref name="labelSet"/>.</summary>
    public async Task<ClassificationList> ClassifyFileAsync(
        Stream image, string fileName, IEnumerable<string>? labels = null, string? labelSet = null, int? topK = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var form = new MultipartFormDataContent();
        var file = new StreamContent(image);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "image", fileName);
        foreach (var label in labels ?? [])
        {
            form.Add(new StringContent(label), "labels[]");
        }

        if (labelSet is not null)
        {
            form.Add(new StringContent(labelSet), "label_set");
        }

        if (topK is int k)
        {
            form.Add(new StringContent(k.ToString(CultureInfo.InvariantCulture)), "top_k");
        }

        return await _api.SendAsync(HttpMethod.Post, "classifications", form, ClientJson.Default.ClassificationList, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Embeds image files (any format the server accepts; it sniffs the bytes).</summary>
    public Task<EmbeddingList> EmbedImagesAsync(IEnumerable<byte[]> images, CancellationToken cancellationToken = default) =>
        EmbedAsync(new EmbeddingsRequest(ClassifyRequest.Images(images), "image", null), cancellationToken);

    /// <summary>Embeds texts (the official OpenAI clients do this too).</summary>
    public Task<EmbeddingList> EmbedTextsAsync(IEnumerable<string> texts, CancellationToken cancellationToken = default) =>
        EmbedAsync(new EmbeddingsRequest(texts.ToList(), null, null), cancellationToken);

    /// <summary>Creates a label set; with <paramref name="wait"/> the answer comes when its embeddings are computed.</summary>
    public Task<LabelSet> CreateLabelSetAsync(string name, LabelSetRequest definition, bool wait = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return _api.SendAsync(HttpMethod.Post, "label-sets" + Wait(wait), ApiConnection.Json(definition with { Name = name }, ClientJson.Default.LabelSetRequest),
            ClientJson.Default.LabelSet, cancellationToken);
    }

    /// <summary>Replaces a label set's labels and templates (a new version, rebuilt).</summary>
    public Task<LabelSet> ReplaceLabelSetAsync(string name, LabelSetRequest definition, bool wait = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return _api.SendAsync(HttpMethod.Put, $"label-sets/{Uri.EscapeDataString(name)}{Wait(wait)}", ApiConnection.Json(definition with { Name = null }, ClientJson.Default.LabelSetRequest),
            ClientJson.Default.LabelSet, cancellationToken);
    }

    /// <summary>A label set with its labels.</summary>
    public Task<LabelSet> GetLabelSetAsync(string name, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Get, $"label-sets/{Uri.EscapeDataString(name)}", null, ClientJson.Default.LabelSet, cancellationToken);

    /// <summary>One page of label sets in name order; pass the previous page's <see cref="LabelSetPage.LastId"/> as <paramref name="after"/>.</summary>
    public Task<LabelSetPage> ListLabelSetsAsync(int? limit = null, string? after = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (limit is int l)
        {
            query.Add("limit=" + l.ToString(CultureInfo.InvariantCulture));
        }

        if (after is not null)
        {
            query.Add("after=" + Uri.EscapeDataString(after));
        }

        return _api.SendAsync(HttpMethod.Get, "label-sets" + (query.Count == 0 ? "" : "?" + string.Join('&', query)), null, ClientJson.Default.LabelSetPage, cancellationToken);
    }

    /// <summary>Deletes a label set (a build still running is charged only for what it computed).</summary>
    public async Task DeleteLabelSetAsync(string name, CancellationToken cancellationToken = default)
    {
        using var _ = await _api.SendRawAsync(HttpMethod.Delete, $"label-sets/{Uri.EscapeDataString(name)}", null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The tenant's balance and usage.</summary>
    public Task<Usage> GetUsageAsync(CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Get, "usage", null, ClientJson.Default.Usage, cancellationToken);

    private Task<EmbeddingList> EmbedAsync(EmbeddingsRequest request, CancellationToken cancellationToken) =>
        _api.SendAsync(HttpMethod.Post, "embeddings", ApiConnection.Json(request, ClientJson.Default.EmbeddingsRequest), ClientJson.Default.EmbeddingList, cancellationToken);

    private static string Wait(bool wait) => wait ? "?wait=true" : "";
}
