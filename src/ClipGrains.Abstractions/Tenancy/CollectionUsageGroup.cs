namespace ClipGrains.Abstractions.Tenancy;

/// <summary>A tenant's charged usage of one collection over a range: what <c>/v1/usage</c> shows per collection.</summary>
/// <param name="Collection">The collection's name.</param>
/// <param name="Requests">Charged requests (stores, searches, tagging).</param>
/// <param name="Images">Images encoded.</param>
/// <param name="Texts">Prompts encoded.</param>
/// <param name="Credits">Credits charged.</param>
public sealed record CollectionUsageGroup(string Collection, long Requests, long Images, long Texts, long Credits);
