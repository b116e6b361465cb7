namespace ClipGrains.Gateway.Contracts;

/// <summary>Liveness: the process answers.</summary>
/// <param name="Status">Always <c>live</c>.</param>
internal sealed record LiveStatus(string Status);

/// <summary>Readiness: 200 when every condition holds, 503 otherwise.</summary>
/// <param name="Status"><c>ready</c> or <c>not_ready</c>.</param>
/// <param name="ModelLoaded">Whether the model is loaded.</param>
/// <param name="SiloActive">Whether this silo is an active cluster member.</param>
/// <param name="Stopping">Whether the server is draining.</param>
internal sealed record ReadyStatus(string Status, bool ModelLoaded, bool SiloActive, bool Stopping);
