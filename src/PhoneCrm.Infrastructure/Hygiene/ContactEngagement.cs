using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Hygiene;

/// <summary>
/// A person's own reaction as it happens (a click, a reply, a confirmed form): <c>lastEngagedAt</c> moves forward and the
/// unanswered runs restart from it, so marketing stopped as <c>unengaged</c> resumes at once. The same definitions as
/// <see cref="EngagementSql"/>, which <c>hygiene-engagement</c> recomputes from daily.
/// </summary>
public sealed class ContactEngagement(PhoneCrmDbContext db)
{
    /// <param name="at">When the person engaged; null = now (the database's clock, as the click counter's).</param>
    public async Task EngagedAsync(Guid contactId, DateTimeOffset? at, CancellationToken ct)
    {
        var tenant = db.Tenant.RequireTenant();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await Sql.ExecAsync((NpgsqlConnection)db.Database.GetDbConnection(), $"""
                UPDATE contacts c SET last_engaged_at = e.at,
                  unanswered_messages = {EngagementSql.UnansweredCount("c.id", "e.at")},
                  unanswered_calls = (SELECT count(*) FROM contact_events x WHERE x.tenant_id = @t AND x.contact_id = c.id
                                        AND x.type = 'call_unanswered' AND x.occurred_at > e.at)
                FROM (SELECT coalesce(@at, now()) AS at) e
                WHERE c.tenant_id = @t AND c.id = @c AND (c.last_engaged_at IS NULL OR c.last_engaged_at < e.at)
                """, ct, Sql.P("t", tenant), Sql.P("c", contactId), Sql.P("at", NpgsqlDbType.TimestampTz, at));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
