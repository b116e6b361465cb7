using ClipGrains.Gateway.Embedding;
using ClipGrains.Gateway.Errors;
using ClipGrains.Scoring;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace ClipGrains.Gateway.Inputs;

/// <summary>Reads and validates a classification request from JSON or multipart form data.</summary>
internal sealed class ClassificationRequestReader(IOptions<GatewayOptions> options, ImageUrlResolver urls, ModelCatalog models)
{
    public async Task<ClassificationRequest> ReadAsync(HttpRequest request)
    {
        if (request.HasFormContentType)
        {
            return await ReadFormAsync(request);
        }

        var body = await JsonBody.ReadObjectAsync(request, Math.Max(options.Value.MaxImagesPerRequest, Math.Max(options.Value.MaxLabelsPerRequest, options.Value.MaxTemplatesPerRequest)));
        var model = JsonBody.OptionalString(body, "model") is { } named ? models.Resolve(named).Id : null;
        var images = InputParser.Parse(body.TryGetProperty("input", out var input) ? input : default, stringsAreImages: true, options.Value.MaxImagesPerRequest);
        if (images.FirstOrDefault(i => !i.IsImage) is { } text)
        {
            throw ApiException.BadRequest("Classification inputs must be images (image_url parts or image data URIs).", text.Param);
        }

        // Fetched only once the request is admitted (the handler's metered work); refused here when URLs are off.
        urls.Check(images);

        return Validate(
            model, images, JsonBody.OptionalStrings(body, "labels"), JsonBody.OptionalString(body, "label_set"),
            JsonBody.OptionalString(body, "hypothesis_template"), JsonBody.OptionalStrings(body, "templates"), JsonBody.OptionalInt(body, "top_k"));
    }

    private async Task<ClassificationRequest> ReadFormAsync(HttpRequest request)
    {
        IFormCollection form;
        try
        {
            // Every label, template and image is one form entry: the framework's default (1,024 entries) would refuse
            // a request this API accepts. The body's byte limit is the route's.
            var limits = options.Value;
            var entries = limits.MaxImagesPerRequest + limits.MaxLabelsPerRequest + limits.MaxTemplatesPerRequest + 16;
            form = await request.ReadFormAsync(new FormOptions { ValueCountLimit = entries, MultipartBodyLengthLimit = limits.MaxImageRequestBytes }, request.HttpContext.RequestAborted);
        }
        catch (InvalidDataException e)
        {
            throw ApiException.BadRequest($"The multipart body could not be read: {e.Message}", code: "invalid_multipart");
        }
        catch (IOException e)
        {
            throw ApiException.BadRequest($"The multipart body could not be read: {e.Message}", code: "invalid_multipart");
        }

        var files = form.Files.Where(f => f.Name is "image" or "image[]" or "images" or "images[]").ToList();
        if (files.Count == 0)
        {
            throw ApiException.BadRequest("Attach at least one image as a file part named 'image' (curl -F image=@cat.jpg).", "image", "missing_required_parameter");
        }

        if (files.Count > options.Value.MaxImagesPerRequest)
        {
            throw ApiException.BadRequest($"The request has {files.Count} images; at most {options.Value.MaxImagesPerRequest} are accepted.", "image", "too_many_images");
        }

        var images = new List<ApiInput>(files.Count);
        for (var i = 0; i < files.Count; i++)
        {
            using var stream = new MemoryStream((int)files[i].Length);
            await files[i].CopyToAsync(stream, request.HttpContext.RequestAborted);
            images.Add(new ApiInput(null, stream.ToArray(), files.Count == 1 ? "image" : $"image[{i}]"));
        }

        var labels = MultipartLabels(form);
        var templates = form.TryGetValue("templates", out var t) || form.TryGetValue("templates[]", out t) ? t.Select(v => v ?? string.Empty).ToList() : null;
        int? topK = null;
        if (form.TryGetValue("top_k", out var k))
        {
            topK = int.TryParse(k.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw ApiException.BadRequest("'top_k' must be a positive integer.", "top_k");
        }

        return Validate(
            form.TryGetValue("model", out var m) ? models.Resolve(m.ToString()).Id : null, images, labels,
            form.TryGetValue("label_set", out var s) ? s.ToString() : null,
            form.TryGetValue("hypothesis_template", out var h) ? h.ToString() : null, templates, topK);
    }

    // Each 'labels[]' field is one label, whatever it contains ("coffee, hot"); a 'labels' field is a JSON array of
    // strings when it looks like one, else a comma-separated list (curl -F labels=cat,dog).
    private static List<string>? MultipartLabels(IFormCollection form)
    {
        var labels = new List<string>();
        var given = false;
        if (form.TryGetValue("labels[]", out var each))
        {
            given = true;
            labels.AddRange(each.Select(v => (v ?? string.Empty).Trim()));
        }

        if (form.TryGetValue("labels", out var fields))
        {
            given = true;
            foreach (var field in fields.Select(v => (v ?? string.Empty).Trim()))
            {
                labels.AddRange(field.StartsWith('[') ? JsonLabels(field) : field.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            }
        }

        return given ? labels : null;
    }

    private static List<string> JsonLabels(string field)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<List<string>>(field)
                ?? throw ApiException.BadRequest("The 'labels' field is a JSON array but null.", "labels");
        }
        catch (System.Text.Json.JsonException)
        {
            throw ApiException.BadRequest(
                "The 'labels' field starts with '[' but is not a JSON array of strings; send [\"cat\",\"dog\"], cat,dog, or one 'labels[]' field per label.", "labels");
        }
    }

    private ClassificationRequest Validate(
        string? model, List<ApiInput> images, List<string>? labels, string? labelSet, string? hypothesis, List<string>? templates, int? topK)
    {
        var limits = options.Value;
        if (topK is <= 0)
        {
            throw ApiException.BadRequest("'top_k' must be at least 1.", "top_k");
        }

        if (labelSet is not null)
        {
            if (labels is not null)
            {
                throw ApiException.BadRequest("Give either 'labels' or 'label_set', not both.", "labels");
            }

            if (hypothesis is not null || templates is not null)
            {
                throw ApiException.BadRequest("A label set has its own templates; 'hypothesis_template' and 'templates' apply only to ad-hoc 'labels'.", hypothesis is not null ? "hypothesis_template" : "templates");
            }

            return new ClassificationRequest(model, images, null, [], labelSet, topK);
        }

        if (labels is null)
        {
            throw ApiException.BadRequest("Give the candidate 'labels' (an array of strings) or the name of a 'label_set'.", "labels", "missing_required_parameter");
        }

        LabelValidation.Labels(labels, "labels", limits.MaxLabelsPerRequest, limits.MaxTextLength);
        if (hypothesis is not null && templates is not null)
        {
            throw ApiException.BadRequest("Give either 'hypothesis_template' or 'templates', not both.", "templates");
        }

        var chosen = templates ?? [hypothesis ?? PromptTemplate.PipelineDefault];
        LabelValidation.Templates(chosen, templates is null ? "hypothesis_template" : "templates", limits.MaxTemplatesPerRequest, limits.MaxTextLength);
        return new ClassificationRequest(model, images, labels, chosen, null, topK);
    }
}
