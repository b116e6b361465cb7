using System.Collections.Concurrent;
using ClipGrains.Grains.Tenancy;

namespace ClipGrains.Grains.Tests.Support;

/// <summary>A silo's key-verdict cache that records which key ids it was told to forget.</summary>
internal sealed class RecordingKeyCache : IKeyVerdictCache
{
    private readonly ConcurrentBag<string> _forgotten = [];

    public IReadOnlyCollection<string> Forgotten => _forgotten;

    public void Forget(string keyId) => _forgotten.Add(keyId);
}
