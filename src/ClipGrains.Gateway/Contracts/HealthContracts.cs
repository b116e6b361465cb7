namespace ClipGrains.Gateway.Contracts;

/// <summary>Liveness: the process answers.</summary>
/// <param name="Status">Always <c>live</c>.</param>
internal sealed record LiveStatus(string Status);

/// <summary>Readiness: 200 when this silo is an active member and not stopping, 503 otherwise.</summary>
/// <param name="Status"><c>ready</c> or <c>not_ready</c>.</param>
/// <param name="SiloActive">Whether this silo is an active cluster member.</param>
/// <param name="Stopping">Whether the server is draining.</param>
/// <param name="ModelsLoaded">Models loaded on this silo now (0 is fine: models load on demand).</param>
/// <param name="ModelsLoading">Models being loaded on this silo now.</param>
internal sealed record ReadyStatus(string Status, bool SiloActive, bool Stopping, int ModelsLoaded, int ModelsLoading);
