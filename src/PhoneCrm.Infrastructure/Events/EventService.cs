using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Events;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using static PhoneCrm.Infrastructure.Database.Sql;

namespace PhoneCrm.Infrastructure.Events;

public enum EventOutcome { Created, Duplicate, Conflict, Invalid }

public sealed record EventResult(EventOutcome Outcome, Guid? Id, Guid? ContactId, ValidationErrors Errors);

/// <summary>One line of a contact's events timeline.</summary>
public sealed record TimelineEvent(string Type, DateTimeOffset OccurredAt, decimal? Amount, string? Currency, string? OrderId,
    IReadOnlyList<string> Categories, string ExternalId);

/// <summary>
/// Records events idempotently by external id and keeps the contact's computed attributes current in the same
/// transaction. Concurrent senders of the same id meet at the unique index: one inserts, the rest read its row.
/// </summary>
public sealed class EventService(PhoneCrmDbContext db, ContactService contacts, ContactStatsUpdater stats, TimeProvider clock)
{
    public async Task<EventResult> RecordAsync(EventInput input, CancellationToken ct = default)
    {
        var tenantId = db.Tenant.RequireTenant();
        var now = clock.GetUtcNow();
        var valid = input.Validate(await contacts.DefaultRegionAsync(ct), now, out var errors);
        if (valid is null) return new EventResult(EventOutcome.Invalid, null, null, errors);

        // A retry must not touch the contact: answer from the stored event first.
        if (await ExistingAsync(valid, ct) is { } known) return known;

        var contactId = await ContactIdAsync(valid, input, ct);
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var id = await ScalarAsync(conn, """
            INSERT INTO contact_events (tenant_id, id, contact_id, type, external_id, occurred_at, received_at, data, amount, body_hash)
            VALUES (@t, @id, @c, @type, @x, @at, @now, @data, @amount, @hash)
            ON CONFLICT (tenant_id, external_id) DO NOTHING
            RETURNING id
            """, ct,
            P("t", tenantId), P("id", Guid.CreateVersion7()), P("c", contactId), P("type", valid.Type), P("x", valid.ExternalId),
            P("at", valid.OccurredAt), P("now", now), P("data", NpgsqlDbType.Jsonb, valid.Data.ToJsonString()),
            P("amount", NpgsqlDbType.Numeric, valid.Amount), P("hash", valid.Hash));
        if (id is not Guid eventId)
        {
            await tx.RollbackAsync(ct);
            return await ExistingAsync(valid, ct) ?? throw new InvalidOperationException("Event vanished after a conflict.");
        }

        await stats.ApplyAsync(conn, tenantId, contactId, valid, ct);
        await tx.CommitAsync(ct);
        return new EventResult(EventOutcome.Created, eventId, contactId, errors);
    }

    /// <summary>
    /// Records a batch set-based, inside the caller's transaction (imports): the batch's numbers looked up in one query
    /// (an unknown number becomes a contact once), the events inserted by one <c>INSERT … ON CONFLICT DO NOTHING</c>, and
    /// the attributes of the contacts that got events recomputed from their events. Outcomes are per input, as
    /// <see cref="RecordAsync"/> gives them; an external id seen twice in the batch is judged against its first occurrence.
    /// </summary>
    public async Task<IReadOnlyList<EventResult>> RecordManyAsync(IReadOnlyList<EventInput> inputs, CancellationToken ct = default)
    {
        var tenantId = db.Tenant.RequireTenant();
        var now = clock.GetUtcNow();
        var region = await contacts.DefaultRegionAsync(ct);
        var results = new EventResult[inputs.Count];
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        var valid = new EventInput.Valid?[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            valid[i] = inputs[i].Validate(region, now, out var errors);
            if (valid[i] is null) results[i] = new EventResult(EventOutcome.Invalid, null, null, errors);
            else first.TryAdd(valid[i]!.ExternalId, i);
        }

        var leaders = first.Values.Order().ToList();
        var contactIds = await contacts.IdsByPhoneAsync(leaders.Select(i => valid[i]!.Phone.E164).ToList(), ct);
        foreach (var i in leaders.Where(i => !contactIds.ContainsKey(valid[i]!.Phone.E164)))
            contactIds[valid[i]!.Phone.E164] = await ContactIdAsync(valid[i]!, inputs[i], ct);

        var ids = leaders.Select(_ => Guid.CreateVersion7()).ToArray();
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO contact_events (tenant_id, id, contact_id, type, external_id, occurred_at, received_at, data, amount, body_hash)
            SELECT @t, u.id, u.contact_id, u.type, u.external_id, u.occurred_at, @now, u.data, u.amount, u.body_hash
            FROM unnest(@ids, @contacts, @types, @xids, @at, @data, @amounts, @hashes)
                 AS u(id, contact_id, type, external_id, occurred_at, data, amount, body_hash)
            ON CONFLICT (tenant_id, external_id) DO NOTHING
            RETURNING external_id
            """, conn))
        {
            EventInput.Valid V(int i) => valid[i]!;
            cmd.Parameters.AddRange(new[]
            {
                P("t", tenantId), P("now", now), ArrayOf("ids", ids),
                ArrayOf("contacts", leaders.Select(i => contactIds[V(i).Phone.E164])),
                ArrayOf("types", leaders.Select(i => V(i).Type)), ArrayOf("xids", leaders.Select(i => V(i).ExternalId)),
                ArrayOf("at", leaders.Select(i => V(i).OccurredAt)),
                P("data", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, leaders.Select(i => V(i).Data.ToJsonString()).ToArray()),
                ArrayOf("amounts", leaders.Select(i => V(i).Amount)),
                ArrayOf("hashes", leaders.Select(i => V(i).Hash)),
            });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) inserted.Add(reader.GetString(0));
        }

        var externalIds = first.Keys.ToList();
        var stored = await db.ContactEvents.AsNoTracking().Where(e => externalIds.Contains(e.ExternalId))
            .Select(e => new { e.ExternalId, e.Id, e.ContactId, e.BodyHash }).ToDictionaryAsync(e => e.ExternalId, StringComparer.Ordinal, ct);
        for (var i = 0; i < inputs.Count; i++)
        {
            if (valid[i] is not { } v) continue;
            var row = stored[v.ExternalId];
            var created = first[v.ExternalId] == i && inserted.Contains(v.ExternalId);
            var outcome = created ? EventOutcome.Created
                : row.BodyHash.AsSpan().SequenceEqual(v.Hash) ? EventOutcome.Duplicate : EventOutcome.Conflict;
            results[i] = new EventResult(outcome, row.Id, row.ContactId, new ValidationErrors());
        }

        var touched = results.Where(r => r.Outcome == EventOutcome.Created).Select(r => r.ContactId!.Value).Distinct().ToArray();
        if (touched.Length > 0) await ContactStatsUpdater.RecomputeAsync(conn, tenantId, touched, ct);
        return results;
    }

    /// <summary>A contact's latest events, newest first, with the currency, order id and categories read from their data.</summary>
    public async Task<IReadOnlyList<TimelineEvent>> TimelineAsync(Guid contactId, int limit, CancellationToken ct = default)
    {
        var rows = await db.ContactEvents.AsNoTracking().Where(e => e.ContactId == contactId)
            .OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id).Take(limit)
            .Select(e => new { e.Type, e.OccurredAt, e.Amount, e.Data, e.ExternalId }).ToListAsync(ct);
        return rows.Select(e => ToTimelineEvent(e.Type, e.OccurredAt, e.Amount, e.Data, e.ExternalId)).ToList();
    }

    private static TimelineEvent ToTimelineEvent(string type, DateTimeOffset at, decimal? amount, string data, string externalId)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(data);
        var root = doc.RootElement;
        string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : null;
        var categories = new List<string>();
        if (root.TryGetProperty("items", out var items) && items.ValueKind == System.Text.Json.JsonValueKind.Array)
        {
            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind == System.Text.Json.JsonValueKind.Object && item.TryGetProperty("category", out var c)
                    && c.ValueKind == System.Text.Json.JsonValueKind.String
                    && EventInput.NormalizeCategory(c.GetString()!) is { Length: > 0 } name && !categories.Contains(name))
                    categories.Add(name);
            }
        }

        return new TimelineEvent(type, at, amount, Text("currency"), Text("orderId"), categories, externalId);
    }

    private async Task<EventResult?> ExistingAsync(EventInput.Valid valid, CancellationToken ct)
    {
        var row = await db.ContactEvents.AsNoTracking().Where(e => e.ExternalId == valid.ExternalId)
            .Select(e => new { e.Id, e.ContactId, e.BodyHash }).SingleOrDefaultAsync(ct);
        if (row is null) return null;
        var same = row.BodyHash.AsSpan().SequenceEqual(valid.Hash);
        return new EventResult(same ? EventOutcome.Duplicate : EventOutcome.Conflict, row.Id, row.ContactId,
            new ValidationErrors());
    }

    /// <summary>The contact with this number; an unknown number becomes a contact whose source is the event's sender.</summary>
    private async Task<Guid> ContactIdAsync(EventInput.Valid valid, EventInput input, CancellationToken ct)
    {
        var (found, _) = await contacts.FindByPhoneAsync(valid.Phone.E164, ContactScope.Full, ct);
        if (found is not null) return found.Id;
        var created = await contacts.UpsertAsync(new ContactInput
        {
            Phone = valid.Phone.E164,
            SourceChannel = input.SourceChannel ?? (EventTypes.IsOrder(valid.Type) ? ContactSources.WebShop : ContactSources.Api),
            SourceDetail = input.SourceDetail ?? "event:" + valid.Type,
        }, ct);
        return created.Contact?.Id ?? throw new InvalidOperationException("A validated phone was rejected.");
    }
}
