namespace ClipGrains.Host.Bench;

/// <summary>What the load generator measured against the HTTP API.</summary>
internal sealed record LoadResult(int Concurrency, double Seconds, int Requests, int Errors, int ImagesPerRequest, double ImagesPerSecond, LatencySummary LatencyMs, IReadOnlyDictionary<int, int> StatusCounts);
