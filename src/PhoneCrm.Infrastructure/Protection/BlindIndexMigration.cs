using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Jobs;

namespace PhoneCrm.Infrastructure.Protection;

/// <summary>
/// <c>blind-index-migration</c> (hourly, per tenant; idempotent): moves a tenant's stored blind indexes from the
/// platform-wide version 1 to tenant-bound version 2 (<see cref="BlindIndex"/>) without decrypting anything — every stored
/// index is rewritten by <see cref="TenantBlindIndex.Bind"/>, every erasure tombstone by
/// <see cref="TenantBlindIndex.BindTombstone"/>.
/// </summary>
/// <remarks>
/// Lookups compute one index, at the version <c>tenants.blind_index_version</c> says, so a tenant switches all at once: its
/// rows are rewritten (keyset batches, set-based updates) in <b>one transaction</b> that ends by switching the version. Until
/// it commits, everyone reads the old indexes and the old version; after it, the new ones — no downtime and no moment
/// where a lookup misses or the unique keys (<c>contacts</c>, <c>suppressions</c>, <c>erasure_tombstones</c>) could admit
/// a second row for one number. Only that tenant's rows being rewritten wait for it; other tenants are untouched. A run
/// killed midway rolls back and the next run starts that tenant again; tenants already switched stay switched.
/// <para>
/// A write that read version 1 just before the switch (an import running across it) may still land a version-1 value.
/// The length tells one from the other (<see cref="BlindIndex.LegacySize"/> vs <see cref="BlindIndex.Size"/>), so for a day after the
/// switch each run sweeps such stragglers in the tenant; a straggler whose bound value already exists in a unique column
/// (the same number written twice across the switch) is left and logged, never a failed pass.
/// </para>
/// </remarks>
public sealed partial class BlindIndexMigration(PhoneCrmDbContext db, BlindIndex blind, TimeProvider clock, ILogger<BlindIndexMigration> logger)
    : ITenantJob
{
    public const string JobId = "blind-index-migration";
    private const int BatchRows = 5000;
    private static readonly TimeSpan SweepWindow = TimeSpan.FromDays(1);

    public static RecurringJobDefinition Definition { get; } = RecurringJobDefinition.PerTenant<BlindIndexMigration>(JobId, "23 * * * *",
        "Binds the tenant's blind indexes to the tenant (issue 12 item 3): rewrites stored indexes and erasure tombstones, then sweeps stragglers for a day");

    /// <summary>What a stored value is: an index, an array of indexes, or an erasure tombstone.</summary>
    public enum ValueKind
    {
        Index,
        IndexArray,
        Tombstone,
    }

    /// <param name="Unique">The column is in a unique key with the tenant: a rewrite never makes a second row of one value.</param>
    public sealed record IndexColumn(string Table, string Column, ValueKind Kind = ValueKind.Index, bool Unique = false);

    /// <summary>Every stored blind index and tombstone. A new one must be added here (a test reads the catalog).</summary>
    public static readonly IReadOnlyList<IndexColumn> Columns =
    [
        new("contacts", "phone_index", Unique: true),
        new("contacts", "phone_suffix_index"),
        new("contacts", "email_index"),
        new("contacts", "name_token_indexes", ValueKind.IndexArray),
        new("suppressions", "phone_index", Unique: true),
        new("erasure_tombstones", "phone_hash", ValueKind.Tombstone, Unique: true),
        new("consent_code_challenges", "phone_index"),
        new("subject_requests", "phone_index"),
        new("subject_request_challenges", "phone_index"),
        new("sms_messages", "phone_index"),
        new("sms_simulator_messages", "phone_index"),
        new("sms_number_changes", "old_phone_index"),
        new("sms_number_changes", "new_phone_index"),
        new("sms_inbound", "from_index"),
    ];

    /// <summary>Platform-wide progress for the key page: tenants switched, and version-1 values still stored.</summary>
    public sealed record Progress(int Tenants, int Bound, long LegacyValues)
    {
        public bool Done => Bound == Tenants && LegacyValues == 0;
    }

    public async Task<TenantJobResult> RunTenantAsync(Guid tenantId, CancellationToken ct)
    {
        var tenant = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId)
            .Select(t => new { t.BlindIndexVersion, t.BlindIndexBoundAt }).SingleAsync(ct);
        var index = blind.ForTenant(tenantId, BlindIndex.TenantBoundVersion);
        if (tenant.BlindIndexVersion == BlindIndex.LegacyVersion)
        {
            var rewritten = await SwitchAsync(tenantId, index, ct);
            return TenantJobResult.Of(new Dictionary<string, int> { ["rewritten"] = rewritten });
        }

        if (tenant.BlindIndexBoundAt is not { } boundAt || clock.GetUtcNow() - boundAt > SweepWindow)
            return new TenantJobResult(0);
        var swept = await WithConnectionAsync(conn => RewriteAllAsync(conn, index, ct), ct);
        return TenantJobResult.Of(new Dictionary<string, int> { ["swept"] = swept });
    }

    /// <summary>Counts over every tenant (row-level security shows one at a time; only counts leave each tenant).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities",
        Justification = "Table and column names come from this class's fixed list; there are no values.")]
    public async Task<Progress> ProgressAsync(CancellationToken ct)
    {
        var tenants = await db.Tenants.AsNoTracking().Select(t => new { t.Id, t.BlindIndexVersion }).ToListAsync(ct);
        var counts = string.Join(" + ", Columns.Select(c => $"(SELECT count(*) FROM {c.Table} WHERE {IsLegacy(c)})"));
        long legacy = 0;
        var previous = db.Tenant.TenantId;
        try
        {
            foreach (var tenant in tenants)
            {
                db.Tenant.Set(tenant.Id);
                legacy += await WithConnectionAsync(async conn => (long)(await Sql.ScalarAsync(conn, $"SELECT {counts}", ct))!, ct);
            }
        }
        finally
        {
            db.Tenant.Set(previous);
        }

        return new Progress(tenants.Count, tenants.Count(t => t.BlindIndexVersion == BlindIndex.TenantBoundVersion), legacy);
    }

    /// <summary>The switch: every version-1 value of the tenant rewritten and the version set, in one transaction.</summary>
    private async Task<int> SwitchAsync(Guid tenantId, TenantBlindIndex index, CancellationToken ct) =>
        await WithConnectionAsync(async conn =>
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            // The row lock makes a second run (another node) wait here and then find the tenant switched.
            var version = (int)(await Sql.ScalarAsync(conn, "SELECT blind_index_version FROM tenants WHERE id = @t FOR UPDATE", ct,
                Sql.P("t", tenantId)))!;
            if (version != BlindIndex.LegacyVersion) return 0;
            var rewritten = await RewriteAllAsync(conn, index, ct);
            await Sql.ExecAsync(conn, "UPDATE tenants SET blind_index_version = @v, blind_index_bound_at = @now WHERE id = @t", ct,
                Sql.P("v", BlindIndex.TenantBoundVersion), Sql.P("now", clock.GetUtcNow()), Sql.P("t", tenantId));
            await tx.CommitAsync(ct);
            LogSwitched(tenantId, rewritten);
            return rewritten;
        }, ct);

    private async Task<int> RewriteAllAsync(NpgsqlConnection conn, TenantBlindIndex index, CancellationToken ct)
    {
        var total = 0;
        foreach (var column in Columns) total += await RewriteColumnAsync(conn, column, index, ct);
        return total;
    }

    private static string IsLegacy(IndexColumn c) => c.Kind switch
    {
        ValueKind.IndexArray => $"EXISTS (SELECT 1 FROM unnest({c.Column}) e WHERE length(e) = {BlindIndex.LegacySize})",
        ValueKind.Tombstone => $"length({c.Column}) = {TenantBlindIndex.LegacyTombstoneSize}",
        _ => $"length({c.Column}) = {BlindIndex.LegacySize}",
    };

    /// <summary>
    /// Keyset batches by <c>ctid</c> over the rows still holding a version-1 value. A rewritten row moves to a new ctid, but
    /// its value is no longer version 1, so the walk never meets it again. Each row is updated only if it still holds the
    /// value read (a concurrent edit wins; the sweep sees it next time).
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities",
        Justification = "Table and column names come from this class's fixed list; every value is a parameter.")]
    private async Task<int> RewriteColumnAsync(NpgsqlConnection conn, IndexColumn c, TenantBlindIndex index, CancellationToken ct)
    {
        var array = c.Kind == ValueKind.IndexArray;
        var cast = array ? "::bytea[]" : "";
        var unique = c.Unique
            ? $" AND NOT EXISTS (SELECT 1 FROM {c.Table} x WHERE x.tenant_id = t.tenant_id AND x.{c.Column} = u.n)"
            : "";
        var update = $"""
            UPDATE {c.Table} t SET {c.Column} = u.n{cast}
            FROM unnest(@ctids, @olds, @news) AS u(ctid, o, n)
            WHERE t.ctid = u.ctid::tid AND t.{c.Column} = u.o{cast}{unique}
            """;
        var rewritten = 0;
        var after = "(0,0)";
        while (true)
        {
            var ctids = new List<string?>(BatchRows);
            var olds = new List<object>(BatchRows);
            await using (var select = new NpgsqlCommand(
                             $"SELECT ctid::text, {c.Column} FROM {c.Table} WHERE ctid > @after::tid AND {IsLegacy(c)} ORDER BY ctid LIMIT {BatchRows}", conn))
            {
                select.Parameters.AddWithValue("after", after);
                await using var reader = await select.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    ctids.Add(reader.GetString(0));
                    olds.Add(reader[1]);
                }
            }

            if (ctids.Count == 0) return rewritten;
            after = ctids[^1]!;
            await using var cmd = new NpgsqlCommand(update, conn);
            cmd.Parameters.Add(Sql.ArrayOf("ctids", ctids));
            if (array)
            {
                var values = olds.Select(o => (byte[][])o).ToList();
                cmd.Parameters.Add(Sql.ArrayOf("olds", values.Select(v => (string?)Sql.ByteaArrayLiteral(v))));
                cmd.Parameters.Add(Sql.ArrayOf("news", values.Select(v => (string?)Sql.ByteaArrayLiteral(
                    v.Select(e => e.Length == BlindIndex.LegacySize ? index.Bind(e) : e)))));
            }
            else
            {
                var values = olds.Select(o => (byte[])o).ToList();
                cmd.Parameters.Add(Sql.ArrayOf("olds", values.Select(v => (byte[]?)v)));
                cmd.Parameters.Add(Sql.ArrayOf("news", values.Select(v => (byte[]?)(c.Kind == ValueKind.Tombstone ? index.BindTombstone(v) : index.Bind(v)))));
            }

            var updated = await cmd.ExecuteNonQueryAsync(ct);
            if (updated < ctids.Count) LogLeft(c.Table, c.Column, ctids.Count - updated, index.TenantId);
            rewritten += updated;
        }
    }

    private async Task<T> WithConnectionAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return await work((NpgsqlConnection)db.Database.GetDbConnection());
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Blind indexes of tenant {TenantId} bound to the tenant: {Count} values rewritten")]
    private partial void LogSwitched(Guid tenantId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} version-1 values in {Table}.{Column} of tenant {TenantId} were left: changed meanwhile, or their bound value exists already (the same number written across the switch)")]
    private partial void LogLeft(string table, string column, int count, Guid tenantId);
}
