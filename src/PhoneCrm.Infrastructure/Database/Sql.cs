using Npgsql;

namespace PhoneCrm.Infrastructure.Database;

/// <summary>Small helpers for raw SQL on the context's connection (tenant role and RLS already applied to it).</summary>
public static class Sql
{
    public static async Task<int> ExecAsync(NpgsqlConnection conn, string sql, CancellationToken ct, params NpgsqlParameter[] ps)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddRange(ps);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<object?> ScalarAsync(NpgsqlConnection conn, string sql, CancellationToken ct, params NpgsqlParameter[] ps)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddRange(ps);
        var value = await cmd.ExecuteScalarAsync(ct);
        return value is DBNull ? null : value;
    }

    public static NpgsqlParameter P(string name, object? value) => new(name, value ?? DBNull.Value);

    public static NpgsqlParameter P(string name, NpgsqlTypes.NpgsqlDbType type, object? value) => new(name, type) { Value = value ?? DBNull.Value };
}
