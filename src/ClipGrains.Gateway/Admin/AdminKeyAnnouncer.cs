using Microsoft.Extensions.Hosting;

namespace ClipGrains.Gateway.Admin;

/// <summary>
/// Says where a freshly generated operator key was written: the key itself never reaches standard output, which a
/// container platform collects with the logs.
/// </summary>
internal sealed class AdminKeyAnnouncer(AdminKeyStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (store.GeneratedKeyPath is { } path)
        {
            Console.Error.WriteLine($"""

                ClipGrains generated an operator key for /admin/v1 and wrote it to {path} (readable only by this user).
                Copy it somewhere safe and delete the file; only its hash is kept. Set ClipGrains:Admin:ApiKey to choose your
                own key, or delete admin-key.sha256 in the data directory to generate a new one.

                """);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
