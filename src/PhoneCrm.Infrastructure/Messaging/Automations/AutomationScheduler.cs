using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Events;
using PhoneCrm.Domain.Messaging.Automations;
using PhoneCrm.Infrastructure.Database;
using static PhoneCrm.Infrastructure.Database.Sql;

namespace PhoneCrm.Infrastructure.Messaging.Automations;

/// <summary>
/// Reads a tenant's new events (whatever path recorded them: API, CSV import) and schedules the runs of its enabled
/// automations; once a day per contact's local date, schedules birthday greetings. Re-reading an overlap of events is
/// harmless: each run's dedupe key is unique.
/// </summary>
public sealed class AutomationScheduler(PhoneCrmDbContext db, TimeProvider clock)
{
    /// <summary>Events are re-read this far back, so one committed late by a slow transaction is not missed.</summary>
    private static readonly TimeSpan _overlap = TimeSpan.FromMinutes(10);
    private const int PageSize = 5_000;

    public async Task<int> ScheduleAsync(CancellationToken ct)
    {
        var tenantId = db.Tenant.RequireTenant();
        var enabled = await db.Automations.AsNoTracking().Where(a => a.Enabled).ToListAsync(ct);
        var cursor = await db.AutomationCursors.SingleOrDefaultAsync(ct);
        var now = clock.GetUtcNow();
        if (cursor is null)
        {
            cursor = new AutomationCursor { TenantId = tenantId, EventsScannedUntil = now - _overlap };
            db.AutomationCursors.Add(cursor);
        }

        var created = 0;
        var types = enabled.Select(a => AutomationKind.Find(a.Kind)?.TriggerEvent).OfType<string>().Distinct().ToArray();
        if (types.Length > 0)
        {
            created += await ScheduleEventsAsync(enabled, types, cursor.EventsScannedUntil - _overlap, now, ct);
        }

        // Birthdays: one scan of the contacts per UTC day (not every tick). At 00:00 UTC every Russian zone (UTC+2…+12)
        // is already in that date, so each contact is found on their own local birthday.
        var birthday = enabled.FirstOrDefault(a => a.Kind == AutomationKind.Birthday);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (birthday is not null && cursor.BirthdaysScheduledFor != today)
        {
            created += await ScheduleBirthdaysAsync(birthday, now, ct);
            cursor.BirthdaysScheduledFor = today;
        }

        cursor.EventsScannedUntil = now;
        await db.SaveChangesAsync(ct);
        return created;
    }

    private async Task<int> ScheduleEventsAsync(List<Automation> enabled, string[] types, DateTimeOffset since, DateTimeOffset now,
        CancellationToken ct)
    {
        var created = 0;
        var conn = await OpenAsync(ct);
        (DateTimeOffset At, Guid Id) after = (since, Guid.Empty);
        while (true)
        {
            var page = await ReadTriggersAsync(conn, types, after, now, ct);
            if (page.Count == 0) break;
            var runs = page.SelectMany(p => enabled.SelectMany(a => AutomationPlanner.Plan(a, p.Trigger, now))
                .Select(r => (Run: r, p.Trigger))).ToList();
            created += await InsertAsync(conn, runs, now, ct);
            after = (page[^1].ReceivedAt, page[^1].Trigger.EventId);
            if (page.Count < PageSize) break;
        }

        return created;
    }

    private sealed record Candidate(AutomationTrigger Trigger, DateTimeOffset ReceivedAt);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities",
        Justification = "The interpolated parts are constant SQL fragments of this class; every value is a parameter.")]
    private static async Task<List<Candidate>> ReadTriggersAsync(NpgsqlConnection conn, string[] types, (DateTimeOffset At, Guid Id) after,
        DateTimeOffset now, CancellationToken ct)
    {
        // The unanswered-call streak counts this contact's unanswered calls since their last own action.
        await using var cmd = new NpgsqlCommand($$"""
            SELECT e.id, e.contact_id, e.type, e.occurred_at, e.received_at, e.data->>'appointmentAt',
                   CASE WHEN jsonb_typeof(e.data->'items') = 'array'
                        THEN ARRAY(SELECT i->>'category' FROM jsonb_array_elements(e.data->'items') i WHERE i->>'category' IS NOT NULL)
                        ELSE '{}'::text[] END,
                   CASE WHEN e.type = 'call_unanswered' THEN (
                        SELECT count(*) FROM contact_events u
                        WHERE u.tenant_id = e.tenant_id AND u.contact_id = e.contact_id AND u.type = 'call_unanswered'
                          AND (u.occurred_at, u.id) <= (e.occurred_at, e.id)
                          AND u.occurred_at > COALESCE((
                              SELECT max(x.occurred_at) FROM contact_events x
                              WHERE x.tenant_id = e.tenant_id AND x.contact_id = e.contact_id AND x.type = ANY(@engagement)
                                AND x.occurred_at <= e.occurred_at), '-infinity'))
                        ELSE 0 END
            FROM contact_events e
            WHERE e.type = ANY(@types) AND (e.received_at, e.id) > (@afterAt, @afterId) AND e.received_at <= @now
            ORDER BY e.received_at, e.id
            LIMIT {{PageSize}}
            """, conn);
        cmd.Parameters.Add(P("types", types));
        cmd.Parameters.Add(P("engagement", EventTypes.Engagement.ToArray()));
        cmd.Parameters.Add(P("afterAt", after.At));
        cmd.Parameters.Add(P("afterId", after.Id));
        cmd.Parameters.Add(P("now", now));
        var list = new List<Candidate>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var appointment = r.IsDBNull(5) ? null : ParseTime(r.GetString(5));
            list.Add(new Candidate(new AutomationTrigger(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3),
                appointment, r.GetFieldValue<string[]>(6), (int)r.GetInt64(7)), r.GetFieldValue<DateTimeOffset>(4)));
        }

        return list;
    }

    private static DateTimeOffset? ParseTime(string s) =>
        DateTimeOffset.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t)
            ? t.ToUniversalTime() : null;

    private async Task<int> InsertAsync(NpgsqlConnection conn, List<(PlannedRun Run, AutomationTrigger Trigger)> runs, DateTimeOffset now,
        CancellationToken ct)
    {
        if (runs.Count == 0) return 0;
        return await ExecAsync(conn, """
            INSERT INTO automation_runs (tenant_id, id, kind, contact_id, event_id, step, dedupe_key, due_at, status, created_at)
            SELECT @t, r.id, r.kind, r.contact_id, r.event_id, r.step, r.dedupe_key, r.due_at, 'pending', @now
            FROM unnest(@ids, @kinds, @contacts, @events, @steps, @keys, @dues) AS r(id, kind, contact_id, event_id, step, dedupe_key, due_at)
            ON CONFLICT (tenant_id, dedupe_key) DO NOTHING
            """, ct,
            P("t", db.Tenant.RequireTenant()), P("now", now),
            ArrayOf("ids", runs.Select(_ => Guid.CreateVersion7())),
            ArrayOf("kinds", runs.Select(x => x.Run.Kind)),
            ArrayOf("contacts", runs.Select(x => x.Trigger.ContactId)),
            ArrayOf("events", runs.Select(x => x.Trigger.EventId)),
            ArrayOf("steps", runs.Select(x => x.Run.Step)),
            ArrayOf("keys", runs.Select(x => x.Run.DedupeKey)),
            ArrayOf("dues", runs.Select(x => x.Run.DueAt)));
    }

    /// <summary>Contacts whose birthday is today in their own zone get one run, due at local midnight plus the delay.</summary>
    private async Task<int> ScheduleBirthdaysAsync(Automation birthday, DateTimeOffset now, CancellationToken ct)
    {
        var conn = await OpenAsync(ct);
        return await ExecAsync(conn, """
            INSERT INTO automation_runs (tenant_id, id, kind, contact_id, event_id, step, dedupe_key, due_at, status, created_at)
            SELECT c.tenant_id, gen_random_uuid(), 'birthday', c.id, NULL, 1,
                   'birthday:' || c.id || ':' || extract(year FROM local.today)::int,
                   (local.today + make_interval(mins => @delay)) AT TIME ZONE c.time_zone, 'pending', @now
            FROM contacts c
            CROSS JOIN LATERAL (SELECT date_trunc('day', @now AT TIME ZONE c.time_zone) AS today) local
            WHERE c.status = 'active' AND c.birth_date IS NOT NULL
              AND extract(month FROM c.birth_date) = extract(month FROM local.today)
              AND extract(day FROM c.birth_date) = extract(day FROM local.today)
            ON CONFLICT (tenant_id, dedupe_key) DO NOTHING
            """, ct, P("delay", Math.Max(0, birthday.DelayMinutes)), P("now", now));
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        return (NpgsqlConnection)db.Database.GetDbConnection();
    }
}
