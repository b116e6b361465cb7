using Orleans.Concurrency;

namespace ClipGrains.Abstractions.Tenancy;

/// <summary>The ids of all tenants (one activation, key <see cref="Key"/>), for the admin listing.</summary>
[Alias("clipgrains.ITenantDirectoryGrain")]
public interface ITenantDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The only key.</summary>
    public const string Key = "all";

    /// <summary>Records a tenant id; idempotent.</summary>
    [Alias("Add")]
    Task Add(string tenantId);

    /// <summary>All tenant ids, ordinal order.</summary>
    [ReadOnly, Alias("List")]
    Task<IReadOnlyList<string>> List();
}
