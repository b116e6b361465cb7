using ClipGrains.Abstractions.Tenancy;
namespace ClipGrains.Gateway.Tenancy;

/// <summary>A charged request's outcome: its status, its body (built once the charged credits are known), and what it actually used.</summary>
internal sealed record ChargedResult(int Status, Func<long, object> Body, Charge Actual);
