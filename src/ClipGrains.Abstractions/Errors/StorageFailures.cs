using System.Data.Common;
using System.Net.Sockets;

namespace ClipGrains.Abstractions.Errors;

/// <summary>
/// Whether a failure means the database is unreachable or refusing work for now (an outage, a failover, too many
/// connections, a lock held too long) rather than a bug: the one place that decides it, so the API answers such a
/// failure with 503 and Retry-After wherever it surfaces — in a grain's storage write, a ledger call or the usage log.
/// </summary>
public static class StorageFailures
{
    /// <summary>
    /// True when <paramref name="exception"/> or one it wraps is <see cref="StorageUnavailableException"/>, a transient
    /// database error (Npgsql marks connection failures, <c>53300</c> too many connections, <c>57P03</c> cannot connect
    /// now transient) or a socket error.
    /// </summary>
    public static bool IsUnavailable(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 16; depth++)
        {
            switch (exception)
            {
                case StorageUnavailableException:
                case DbException { IsTransient: true }:
                case SocketException:
                    return true;
                case AggregateException { InnerExceptions.Count: > 1 } many:
                    return many.InnerExceptions.Any(IsUnavailable);
            }

            exception = exception.InnerException;
        }

        return false;
    }
}
