using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Events;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using static PhoneCrm.Infrastructure.Database.Sql;

namespace PhoneCrm.Infrastructure.Events;

public enum EventOutcome { Created, Duplicate, Conflict, Invalid }

public sealed record EventResult(EventOutcome Outcome, Guid? Id, Guid? ContactId, IReadOnlyDictionary<string, string[]> Errors);

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

    private async Task<EventResult?> ExistingAsync(EventInput.Valid valid, CancellationToken ct)
    {
        var row = await db.ContactEvents.AsNoTracking().Where(e => e.ExternalId == valid.ExternalId)
            .Select(e => new { e.Id, e.ContactId, e.BodyHash }).SingleOrDefaultAsync(ct);
        if (row is null) return null;
        var same = row.BodyHash.AsSpan().SequenceEqual(valid.Hash);
        return new EventResult(same ? EventOutcome.Duplicate : EventOutcome.Conflict, row.Id, row.ContactId,
            new Dictionary<string, string[]>());
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
