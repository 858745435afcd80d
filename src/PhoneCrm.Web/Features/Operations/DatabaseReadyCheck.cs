using Microsoft.Extensions.Diagnostics.HealthChecks;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Web.Features.Operations;

/// <summary>Ready only when the database answers and every migration is applied.</summary>
public sealed class DatabaseReadyCheck(PhoneCrmDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (!await db.Database.CanConnectAsync(cancellationToken)) return HealthCheckResult.Unhealthy("database unreachable");
            return await DatabaseMigrator.IsMigratedAsync(db, cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("migrations pending");
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("database error");
        }
    }
}
