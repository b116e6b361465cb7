using ClipGrains.Grains.Usage;

namespace ClipGrains.Grains.Tests.Usage;

public sealed class MemoryUsageStoreTests : UsageStoreConformance
{
    protected override Task<IUsageStore> StoreAsync() => Task.FromResult<IUsageStore>(new MemoryUsageStore());
}
