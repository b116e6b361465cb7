namespace ClipGrains.Grains.Serving;

/// <summary>One deployment on one silo now.</summary>
/// <param name="Id">The deployment.</param>
/// <param name="Loaded">Whether it is loaded and serving.</param>
/// <param name="Loading">Whether a load is under way.</param>
/// <param name="Bytes">Bytes of its model files while loaded (what the memory budget counts), else 0.</param>
/// <param name="InUse">Requests using it now.</param>
/// <param name="LastUsed">When a request last finished or started with it.</param>
public sealed record ModelState(string Id, bool Loaded, bool Loading, long Bytes, int InUse, DateTimeOffset LastUsed);
