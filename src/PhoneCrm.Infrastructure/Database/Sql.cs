using Npgsql;
using NpgsqlTypes;

namespace PhoneCrm.Infrastructure.Database;

/// <summary>
/// The raw-SQL toolkit for the context's connection (tenant role and RLS already applied to it): statements, scalars and
/// parameters. Set-based statements take rows as parallel arrays — <c>FROM unnest(@ids, @names) AS x(id, name)</c> — built
/// by <c>ArrayOf</c>, which types each array from its elements (<c>Guid</c> → <c>uuid[]</c>, <c>string</c> → <c>text[]</c>, …),
/// so the SQL needs no casts and a null element is a SQL NULL.
/// </summary>
public static class Sql
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities",
        Justification = "Callers pass constant SQL, or SQL assembled from trusted fragments and suppressed at that site; every value is a parameter.")]
    public static async Task<int> ExecAsync(NpgsqlConnection conn, string sql, CancellationToken ct, params NpgsqlParameter[] ps)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddRange(ps);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities",
        Justification = "Callers pass constant SQL, or SQL assembled from trusted fragments and suppressed at that site; every value is a parameter.")]
    public static async Task<object?> ScalarAsync(NpgsqlConnection conn, string sql, CancellationToken ct, params NpgsqlParameter[] ps)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddRange(ps);
        var value = await cmd.ExecuteScalarAsync(ct);
        return value is DBNull ? null : value;
    }

    /// <summary>
    /// A <c>bytea[]</c> as a text literal (<c>{"\\x…","\\x…"}</c>), to pass one array per row in a text[] parameter and cast
    /// back with <c>::bytea[]</c>: <c>unnest</c> cannot take a ragged array of arrays.
    /// </summary>
    public static string ByteaArrayLiteral(IEnumerable<byte[]> values) =>
        "{" + string.Join(',', values.Select(v => "\"\\\\x" + Convert.ToHexStringLower(v) + "\"")) + "}";

    public static NpgsqlParameter P(string name, object? value) => new(name, value ?? DBNull.Value);

    public static NpgsqlParameter P(string name, NpgsqlDbType type, object? value) => new(name, type) { Value = value ?? DBNull.Value };

    public static NpgsqlParameter ArrayOf(string name, IEnumerable<Guid> values) => Of(name, NpgsqlDbType.Uuid, values);
    public static NpgsqlParameter ArrayOf(string name, IEnumerable<Guid?> values) => OfNullable(name, NpgsqlDbType.Uuid, values);
    public static NpgsqlParameter ArrayOf(string name, IEnumerable<string?> values) => Of(name, NpgsqlDbType.Text, values);
    public static NpgsqlParameter ArrayOf(string name, IEnumerable<byte[]?> values) => Of(name, NpgsqlDbType.Bytea, values);
    public static NpgsqlParameter ArrayOf(string name, IEnumerable<int> values) => Of(name, NpgsqlDbType.Integer, values);
    public static NpgsqlParameter ArrayOf(string name, IEnumerable<int?> values) => OfNullable(name, NpgsqlDbType.Integer, values);
    public static NpgsqlParameter ArrayOf(string name, IEnumerable<long> values) => Of(name, NpgsqlDbType.Bigint, values);
    public static NpgsqlParameter ArrayOf(string name, IEnumerable<double> values) => Of(name, NpgsqlDbType.Double, values);
    public static NpgsqlParameter ArrayOf(string name, IEnumerable<decimal> values) => Of(name, NpgsqlDbType.Numeric, values);
    public static NpgsqlParameter ArrayOf(string name, IEnumerable<decimal?> values) => OfNullable(name, NpgsqlDbType.Numeric, values);
    public static NpgsqlParameter ArrayOf(string name, IEnumerable<DateTime> values) => Of(name, NpgsqlDbType.TimestampTz, values);
    public static NpgsqlParameter ArrayOf(string name, IEnumerable<DateTime?> values) => OfNullable(name, NpgsqlDbType.TimestampTz, values);
    public static NpgsqlParameter ArrayOf(string name, IEnumerable<DateTimeOffset> values) => Of(name, NpgsqlDbType.TimestampTz, values);
    public static NpgsqlParameter ArrayOf(string name, IEnumerable<DateTimeOffset?> values) => OfNullable(name, NpgsqlDbType.TimestampTz, values);

    private static NpgsqlParameter Of<T>(string name, NpgsqlDbType element, IEnumerable<T> values) =>
        new(name, NpgsqlDbType.Array | element) { Value = values as T[] ?? values.ToArray() };

    private static NpgsqlParameter OfNullable<T>(string name, NpgsqlDbType element, IEnumerable<T?> values) where T : struct =>
        new(name, NpgsqlDbType.Array | element) { Value = values.Select(v => v is { } x ? (object)x : DBNull.Value).ToArray() };
}
