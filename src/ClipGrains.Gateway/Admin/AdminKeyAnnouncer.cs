using Microsoft.Extensions.Hosting;

namespace ClipGrains.Gateway.Admin;

/// <summary>Shows a freshly generated operator key once, on the console (deliberately not through logging, which may be shipped elsewhere).</summary>
internal sealed class AdminKeyAnnouncer(AdminKeyStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (store.GeneratedKey is { } key)
        {
            Console.WriteLine($"""

                ClipGrains generated an operator key for /admin/v1. It is shown only now; only its hash is stored:

                    {key}

                Set ClipGrains:Admin:ApiKey to choose your own; delete admin-key.sha256 in the data directory to generate a new one.

                """);
            store.ForgetGeneratedKey();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
