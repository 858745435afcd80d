using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using PhoneCrm.Domain.Segments;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Segments;

public sealed record SegmentResult(Segment? Segment, ValidationErrors Errors)
{
    public bool IsValid => Errors.IsValid;
}

public sealed record CountResult(long Count, ValidationErrors Errors)
{
    public bool IsValid => Errors.IsValid;
}

/// <summary>Saved segments and live counts. Erased contacts never match any segment.</summary>
public sealed class SegmentService(PhoneCrmDbContext db, ContactService contacts, TimeProvider clock)
{
    public const int NameMax = SegmentInputValidator.NameMax;

    /// <summary>Parses and validates; errors are keyed <c>rule</c> (each message names its path).</summary>
    public static RuleNode? Validate(JsonElement? rule, out ValidationErrors errors) => SegmentInputValidator.Parse(rule, out errors);

    /// <summary>
    /// The tenant's clock, zone and consent bits. Masks whose next consent expiry has passed are brought up to date first,
    /// so a consent condition read from the mask is exact now.
    /// </summary>
    public async Task<RuleContext> ContextAsync(CancellationToken ct)
    {
        var tenant = await contacts.TenantAsync(ct);
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(tenant.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            var tx = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
            await ConsentMask.RefreshDueAsync(conn, tx, ct);
            return new RuleContext(clock.GetUtcNow(), zone, await ConsentMask.BitsAsync(conn, tx, ct));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The live count of an unsaved rule, minus the members of <paramref name="exclude"/> (saved segments).</summary>
    public async Task<CountResult> CountAsync(JsonElement? rule, IReadOnlyList<Guid>? exclude = null, CancellationToken ct = default)
    {
        var node = Validate(rule, out var errors);
        if (node is null) return new CountResult(0, errors);
        var context = await ContextAsync(ct);
        var sql = await WithExclusionsAsync(RuleSql.Translate(node, context), exclude ?? [], context, [], ct);
        return new CountResult(await CountAsync(sql, ct), errors);
    }

    public async Task<long?> CountByIdAsync(Guid id, CancellationToken ct = default) =>
        await MembershipAsync(id, ct) is { } sql ? await CountAsync(sql, ct) : null;

    public async Task<long> CountAsync(RuleNode rule, CancellationToken ct = default) =>
        await CountAsync(RuleSql.Translate(rule, await ContextAsync(ct)), ct);

    private async Task<long> CountAsync(SqlRule sql, CancellationToken ct) =>
        (await QueryAsync($"SELECT count(*) FROM {sql.From} WHERE {Where(sql)}", sql, r => r.GetInt64(0), ct))[0];

    /// <summary>Some matching contact ids (newest first), for the builder's sample; exclusions apply.</summary>
    public async Task<IReadOnlyList<Guid>> SampleAsync(RuleNode rule, IReadOnlyList<Guid> exclude, int limit, ContactScope scope,
        CancellationToken ct = default)
    {
        var context = await ContextAsync(ct);
        var sql = await WithExclusionsAsync(RuleSql.Translate(rule, context), exclude, context, [], ct);
        var owner = scope.OwnerOnly is { } o ? $" AND c.owner_id = '{o}'" : "";
        return await QueryAsync($"SELECT c.id FROM {sql.From} WHERE {Where(sql)}{owner} ORDER BY c.created_at DESC, c.id DESC LIMIT {limit:D}",
            sql, r => r.GetGuid(0), ct);
    }

    /// <summary>Some matching contacts (newest first) as the scope may see them: masked without personal access, a sales manager's own only.</summary>
    public async Task<IReadOnlyList<ContactView>> SampleContactsAsync(RuleNode rule, IReadOnlyList<Guid> exclude, int limit, ContactScope scope,
        CancellationToken ct = default)
    {
        var ids = (await SampleAsync(rule, exclude, limit, scope, ct)).ToList();
        var rows = await contacts.GetManyAsync(ids, scope, ct);
        return rows.OrderBy(c => ids.IndexOf(c.Id)).Select(c => contacts.View(c, scope)).ToList();
    }

    /// <summary>What the visual builder offers to choose from: the categories bought and the consent purposes of the tenant.</summary>
    public async Task<(IReadOnlyList<string> Categories, IReadOnlyList<string> PurposeCodes)> BuilderChoicesAsync(CancellationToken ct = default)
    {
        var categories = await DistinctValues.CategoriesAsync(db, 300, ct);
        var purposes = await db.ConsentPurposes.AsNoTracking().OrderBy(p => p.Code).Select(p => p.Code).ToListAsync(ct);
        return (categories, purposes);
    }

    /// <summary>City autocomplete: existing cities starting with <paramref name="prefix"/> (case-insensitive, current culture), at most 20.</summary>
    public async Task<IReadOnlyList<string>> CitiesStartingWithAsync(string prefix, CancellationToken ct = default)
    {
        // All the tenant's cities by a loose index scan (a few thousand at most), matched here case-insensitively.
        var cities = await contacts.CitiesAsync(5000, ct);
        return cities.Where(c => c.StartsWith(prefix, StringComparison.CurrentCultureIgnoreCase)).Take(20).ToList();
    }

    /// <summary>
    /// The membership of a saved segment now, as joins and a WHERE fragment over <c>contacts c</c> (without the tenant and erased
    /// guards, which <see cref="SnapshotAsync"/> and the counts add): its rule AND NOT the membership of each excluded
    /// segment (recursively, each segment once). Null when the segment does not exist.
    /// </summary>
    public async Task<SqlRule?> MembershipAsync(Guid segmentId, CancellationToken ct = default)
    {
        var segment = await GetAsync(segmentId, ct);
        if (segment is null) return null;
        var context = await ContextAsync(ct);
        var seen = new HashSet<Guid> { segment.Id };
        return await WithExclusionsAsync(Translate(segment, context, "s0_"), segment.ExcludeSegmentIds, context, seen, ct);
    }

    /// <summary>
    /// Set-based snapshot of a saved segment's members (exclusions applied, erased contacts never included), for campaigns.
    /// <paramref name="statement"/> is an INSERT … SELECT (or any statement) reading the CTE <c>members(id)</c>, for example
    /// <c>INSERT INTO campaign_recipients (tenant_id, campaign_id, contact_id) SELECT @tenant, @campaign, m.id FROM members m</c>.
    /// <c>@tenant</c> is bound to the current tenant; pass your own parameters (not named <c>tenant</c>, <c>p…</c> or <c>s…</c>)
    /// in <paramref name="parameters"/>. Runs on the DbContext's connection and inside its current transaction, if any.
    /// Returns the rows affected, or null when the segment does not exist.
    /// </summary>
    public async Task<int?> SnapshotAsync(Guid segmentId, string statement, IReadOnlyList<NpgsqlParameter> parameters, CancellationToken ct = default)
    {
        if (await MembershipAsync(segmentId, ct) is not { } sql) return null;
        return await RunAsync(Members(sql) + statement, sql, parameters, MembersTimeout, cmd => cmd.ExecuteNonQueryAsync(ct), ct);
    }

    /// <summary>
    /// Reads <paramref name="query"/> over the CTE <c>members(id)</c> of a saved segment now, as <see cref="SnapshotAsync"/>
    /// runs a statement (same parameter rules). Null when the segment does not exist.
    /// </summary>
    public async Task<List<T>?> ReadMembersAsync<T>(Guid segmentId, string query, IReadOnlyList<NpgsqlParameter> parameters,
        Func<NpgsqlDataReader, T> read, CancellationToken ct = default)
    {
        if (await MembershipAsync(segmentId, ct) is not { } sql) return null;
        return await QueryAsync(Members(sql) + query, sql, parameters, MembersTimeout, read, ct);
    }

    /// <summary>Reading or copying a million members takes longer than a count should ever be allowed to.</summary>
    private const int MembersTimeout = 600;

    private static string Members(SqlRule sql) => $"WITH members AS (SELECT c.id FROM {sql.From} WHERE {Where(sql)}) ";

    private static SqlRule Translate(Segment segment, RuleContext context, string prefix, bool negated = false)
    {
        using var doc = JsonDocument.Parse(segment.Rule);
        var node = Validate(doc.RootElement, out _) ?? throw new InvalidOperationException($"Stored rule of segment {segment.Id} is invalid.");
        return RuleSql.Translate(node, context, prefix, negated);
    }

    /// <summary>
    /// <c>rule AND NOT (excluded membership)</c> for each excluded segment, with the excluded rules' joins (their own
    /// aliases): every predicate of a translated rule is two-valued over the same contact row. <paramref name="seen"/> breaks cycles.
    /// </summary>
    private async Task<SqlRule> WithExclusionsAsync(SqlRule rule, IReadOnlyList<Guid> exclude, RuleContext context, HashSet<Guid> seen,
        CancellationToken ct)
    {
        var ids = exclude.Where(seen.Add).ToList();
        if (ids.Count == 0) return rule;
        var excluded = await db.Segments.AsNoTracking().Where(s => ids.Contains(s.Id)).ToListAsync(ct);
        var where = rule.Where;
        var joins = rule.Joins;
        var parameters = rule.Parameters.ToList();
        foreach (var e in excluded)
        {
            var inner = await WithExclusionsAsync(Translate(e, context, $"s{seen.Count}_{parameters.Count}_", negated: true), e.ExcludeSegmentIds, context, seen, ct);
            where = $"({where}) AND NOT ({inner.Where})";
            joins += inner.Joins;
            parameters.AddRange(inner.Parameters);
        }

        return new SqlRule(joins, where, parameters);
    }

    public Task<Segment?> GetAsync(Guid id, CancellationToken ct = default) =>
        db.Segments.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);

    public Task<List<Segment>> ListAsync(CancellationToken ct = default) =>
        db.Segments.AsNoTracking().OrderByDescending(s => s.UpdatedAt).ToListAsync(ct);

    /// <summary>Creates (id null) or updates a segment; excluded segments must exist and must not exclude this one back.</summary>
    public async Task<SegmentResult> SaveAsync(Guid? id, string? name, JsonElement? rule, IReadOnlyList<Guid>? exclude, CancellationToken ct = default)
    {
        var errors = SegmentInputValidator.Instance.Check(new SegmentInput(name, rule));
        var node = errors.Has("rule") ? null : RuleParser.Parse(rule, out _);
        var trimmed = name?.Trim();
        var excludeIds = (exclude ?? []).Distinct().ToList();
        if (await ExclusionErrorAsync(id, excludeIds, ct) is { } exclusionError) errors.Add("excludeSegmentIds", exclusionError);
        if (node is null || !errors.IsValid) return new SegmentResult(null, errors);

        var now = clock.GetUtcNow();
        var segment = id is { } existing ? await db.Segments.SingleOrDefaultAsync(s => s.Id == existing, ct) : null;
        if (id is not null && segment is null) return new SegmentResult(null, errors);
        if (segment is null)
        {
            segment = new Segment { Name = trimmed!, Rule = "{}", CreatedAt = now };
            db.Segments.Add(segment);
        }

        segment.Name = trimmed!;
        segment.Rule = rule!.Value.GetRawText();
        segment.ExcludeSegmentIds = excludeIds;
        segment.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return new SegmentResult(segment, errors);
    }

    private async Task<string?> ExclusionErrorAsync(Guid? id, List<Guid> excludeIds, CancellationToken ct)
    {
        if (excludeIds.Count == 0) return null;
        if (excludeIds.Count > 20) return "At most 20 excluded segments.";
        if (id is { } self && excludeIds.Contains(self)) return "A segment cannot exclude itself.";
        var all = await db.Segments.AsNoTracking().Select(s => new { s.Id, s.ExcludeSegmentIds }).ToDictionaryAsync(s => s.Id, s => s.ExcludeSegmentIds, ct);
        if (excludeIds.Any(e => !all.ContainsKey(e))) return "Unknown segment.";
        if (id is not { } me) return null;
        var stack = new Stack<Guid>(excludeIds);
        var seen = new HashSet<Guid>();
        while (stack.TryPop(out var next))
        {
            if (next == me) return "The excluded segments exclude this one back.";
            if (seen.Add(next) && all.TryGetValue(next, out var more)) foreach (var m in more) stack.Push(m);
        }

        return null;
    }

    /// <summary>The tenant predicate is explicit (besides RLS) so the planner uses the tenant-leading indexes.</summary>
    private static string Where(SqlRule sql) => $"c.tenant_id = @tenant AND c.status <> 'erased' AND {sql.Where}";

    private Task<List<T>> QueryAsync<T>(string text, SqlRule sql, Func<NpgsqlDataReader, T> read, CancellationToken ct) =>
        QueryAsync(text, sql, [], null, read, ct);

    private Task<List<T>> QueryAsync<T>(string text, SqlRule sql, IReadOnlyList<NpgsqlParameter> parameters, int? timeoutSeconds,
        Func<NpgsqlDataReader, T> read, CancellationToken ct) =>
        RunAsync(text, sql, parameters, timeoutSeconds, async cmd =>
        {
            var rows = new List<T>();
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) rows.Add(read(reader));
            return rows;
        }, ct);

    /// <summary>
    /// Runs a statement over a translated rule on the DbContext's connection, in its transaction or in a new one that
    /// only scopes <see cref="RuleSql.SessionSettings"/>.
    /// </summary>
    private async Task<T> RunAsync<T>(string text, SqlRule sql, IReadOnlyList<NpgsqlParameter> parameters, int? timeoutSeconds,
        Func<NpgsqlCommand, Task<T>> run, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
            await db.Database.ExecuteSqlRawAsync(RuleSql.SessionSettings, ct);
            T result;
            await using (var cmd = Command(text, sql))
            {
                foreach (var p in parameters) cmd.Parameters.Add(p);
                if (timeoutSeconds is { } timeout) cmd.CommandTimeout = timeout;
                result = await run(cmd);
            }

            if (tx is not null) await tx.CommitAsync(ct);
            return result;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities",
        Justification = "RuleSql emits columns from its whitelist of fields and aliases it numbers itself; every value of a rule is a parameter.")]
    private NpgsqlCommand Command(string text, SqlRule sql)
    {
        var cmd = new NpgsqlCommand(text, (NpgsqlConnection)db.Database.GetDbConnection())
        {
            Transaction = db.Database.CurrentTransaction?.GetDbTransaction() as NpgsqlTransaction,
        };
        cmd.Parameters.Add(new NpgsqlParameter("tenant", db.Tenant.RequireTenant()));
        foreach (var p in sql.Parameters) cmd.Parameters.Add(p.Clone());
        return cmd;
    }
}
