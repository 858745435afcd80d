using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Infrastructure.Database;

/// <summary>
/// The second wall. Every connection the app opens drops to the non-owner role <c>phonecrm_app</c>
/// (no BYPASSRLS) and carries the current tenant, so row-level security filters even raw SQL.
/// Without a tenant the setting is empty and tenant tables read as empty.
/// </summary>
public sealed class TenantConnectionInterceptor(TenantContext tenant) : DbConnectionInterceptor
{
    public const string AppRole = "phonecrm_app";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var cmd = Command(connection);
        cmd.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        await using var cmd = Command(connection);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    private NpgsqlCommand Command(DbConnection connection) => Apply((NpgsqlConnection)connection, tenant.TenantId, tenant.UserId);

    /// <summary>Also used by code that opens raw Npgsql connections (bulk COPY paths).</summary>
    public static NpgsqlCommand Apply(NpgsqlConnection connection, Guid? tenantId, Guid? userId)
    {
        var cmd = new NpgsqlCommand(
            $"SET ROLE {AppRole}; SELECT set_config('app.tenant_id', @t, false), set_config('app.user_id', @u, false);",
            connection);
        cmd.Parameters.AddWithValue("t", tenantId?.ToString() ?? "");
        cmd.Parameters.AddWithValue("u", userId?.ToString() ?? "");
        return cmd;
    }
}
