using System.Text.Json.Serialization;
using ClipGrains.Client.Models;

namespace ClipGrains.Client;

/// <summary>Source-generated JSON for every body the client sends or reads (snake_case, as the API).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ClassifyRequest))]
[JsonSerializable(typeof(ClassificationList))]
[JsonSerializable(typeof(EmbeddingsRequest))]
[JsonSerializable(typeof(EmbeddingList))]
[JsonSerializable(typeof(LabelSetRequest))]
[JsonSerializable(typeof(LabelSet))]
[JsonSerializable(typeof(LabelSetPage))]
[JsonSerializable(typeof(Usage))]
[JsonSerializable(typeof(Tenant))]
[JsonSerializable(typeof(CreateTenantRequest))]
[JsonSerializable(typeof(KeyRequest))]
[JsonSerializable(typeof(CreatedKey))]
[JsonSerializable(typeof(TopUpRequest))]
[JsonSerializable(typeof(TopUp))]
[JsonSerializable(typeof(ErrorEnvelope))]
[JsonSerializable(typeof(CreateCollectionRequest))]
[JsonSerializable(typeof(CollectionInfo))]
[JsonSerializable(typeof(CollectionPage))]
[JsonSerializable(typeof(ItemsRequest))]
[JsonSerializable(typeof(ItemResults))]
[JsonSerializable(typeof(ItemPage))]
[JsonSerializable(typeof(StoredItem))]
[JsonSerializable(typeof(DeleteItemsRequest))]
[JsonSerializable(typeof(SearchRequest))]
[JsonSerializable(typeof(SearchResults))]
[JsonSerializable(typeof(ClassifyItemsRequest))]
[JsonSerializable(typeof(TaggedItems))]
[JsonSerializable(typeof(string))]
internal sealed partial class ClientJson : JsonSerializerContext;

/// <summary>The body of <c>POST /v1/embeddings</c>.</summary>
internal sealed record EmbeddingsRequest(IReadOnlyList<string> Input, string? Modality, string? Model);

/// <summary>The body of an items write.</summary>
internal sealed record ItemsRequest(IReadOnlyList<ItemInput> Items);

/// <summary>The body of a batch delete: ids or a filter.</summary>
internal sealed record DeleteItemsRequest(IReadOnlyList<string>? Ids, Filter? Filter);

/// <summary>The body of a key creation.</summary>
internal sealed record KeyRequest(string Name);

/// <summary>The body of a top-up.</summary>
internal sealed record TopUpRequest(long Amount, string Reason);

/// <summary>OpenAI's error shape.</summary>
internal sealed record ErrorEnvelope(ErrorBody? Error);

/// <summary>The error inside <see cref="ErrorEnvelope"/>.</summary>
internal sealed record ErrorBody(string? Message, string? Type, string? Param, string? Code);
