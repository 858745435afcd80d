using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PhoneCrm.Domain.Segments;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Segments;

public sealed record SegmentResult(Segment? Segment, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

public sealed record CountResult(long Count, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>Saved segments and live counts. Erased contacts never match any segment.</summary>
public sealed class SegmentService(PhoneCrmDbContext db, ContactService contacts, TimeProvider clock)
{
    public const int NameMax = 200;

    /// <summary>Parses and validates; errors are keyed <c>rule</c> (each message names its path).</summary>
    public static RuleNode? Validate(JsonElement? rule, out Dictionary<string, string[]> errors)
    {
        var node = RuleParser.Parse(rule, out var messages);
        errors = messages.Count == 0 ? [] : new Dictionary<string, string[]> { ["rule"] = messages.ToArray() };
        return node;
    }

    public async Task<RuleContext> ContextAsync(CancellationToken ct)
    {
        var tenant = await contacts.TenantAsync(ct);
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(tenant.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
        return new RuleContext(clock.GetUtcNow(), zone);
    }

    public async Task<CountResult> CountAsync(JsonElement? rule, CancellationToken ct = default)
    {
        var node = Validate(rule, out var errors);
        return node is null ? new CountResult(0, errors) : new CountResult(await CountAsync(node, ct), errors);
    }

    public async Task<long?> CountByIdAsync(Guid id, CancellationToken ct = default)
    {
        var segment = await GetAsync(id, ct);
        if (segment is null) return null;
        using var doc = JsonDocument.Parse(segment.Rule);
        var node = Validate(doc.RootElement, out _) ?? throw new InvalidOperationException($"Stored rule of segment {id} is invalid.");
        return await CountAsync(node, ct);
    }

    public async Task<long> CountAsync(RuleNode rule, CancellationToken ct = default)
    {
        var sql = RuleSql.Translate(rule, await ContextAsync(ct));
        return (long)(await QueryAsync($"SELECT count(*) FROM contacts c WHERE {Where(sql)}", sql, r => r.GetInt64(0), ct))[0];
    }

    /// <summary>Some matching contact ids (newest first), for the builder's sample.</summary>
    public async Task<IReadOnlyList<Guid>> SampleAsync(RuleNode rule, int limit, ContactScope scope, CancellationToken ct = default)
    {
        var sql = RuleSql.Translate(rule, await ContextAsync(ct));
        var owner = scope.OwnerOnly is { } o ? $" AND c.owner_id = '{o}'" : "";
        return await QueryAsync($"SELECT c.id FROM contacts c WHERE {Where(sql)}{owner} ORDER BY c.created_at DESC, c.id DESC LIMIT {limit:D}",
            sql, r => r.GetGuid(0), ct);
    }

    public Task<Segment?> GetAsync(Guid id, CancellationToken ct = default) =>
        db.Segments.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);

    public Task<List<Segment>> ListAsync(CancellationToken ct = default) =>
        db.Segments.AsNoTracking().OrderByDescending(s => s.UpdatedAt).ToListAsync(ct);

    /// <summary>Creates (id null) or updates a segment.</summary>
    public async Task<SegmentResult> SaveAsync(Guid? id, string? name, JsonElement? rule, CancellationToken ct = default)
    {
        var node = Validate(rule, out var errors);
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed)) errors["name"] = ["Name is required."];
        else if (trimmed.Length > NameMax) errors["name"] = [$"At most {NameMax} characters."];
        if (node is null || errors.Count > 0) return new SegmentResult(null, errors);

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
        segment.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return new SegmentResult(segment, errors);
    }

    /// <summary>The tenant predicate is explicit (besides RLS) so the planner uses the tenant-leading indexes.</summary>
    private static string Where(SqlRule sql) => $"c.tenant_id = @tenant AND c.status <> 'erased' AND {sql.Where}";

    private async Task<List<T>> QueryAsync<T>(string text, SqlRule sql, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand(text, (NpgsqlConnection)db.Database.GetDbConnection());
            cmd.Parameters.Add(new NpgsqlParameter("tenant", db.Tenant.RequireTenant()));
            foreach (var p in sql.Parameters) cmd.Parameters.Add(p.Clone());
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            var rows = new List<T>();
            while (await reader.ReadAsync(ct)) rows.Add(read(reader));
            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
