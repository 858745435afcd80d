using PhoneCrm.Domain.Events;
using PhoneCrm.Infrastructure.Messaging.Campaigns;

namespace PhoneCrm.Infrastructure.Hygiene;

/// <summary>
/// The one statement in SQL of what engagement is (api-v1 "Engagement"): the person's own engagement events
/// (<see cref="EventTypes.Engagement"/>, among them <c>order_placed</c>), a click on a message's short link (not the opt-out link), an inbound reply
/// other than a STOP word, and a form confirmed by its SMS code; and of <c>unansweredMessages</c>: marketing messages
/// delivered after the last engagement. Used by the stats rebuild, the per-event update and <c>hygiene-engagement</c>.
/// Parameters: <c>@t</c> the tenant; <c>@c</c> a <c>uuid[]</c> of contacts when <paramref name="onlyContacts"/>.
/// </summary>
public static class EngagementSql
{
    private static readonly string EngagementTypes = string.Join(",", EventTypes.Engagement.Select(t => $"'{t}'"));

    /// <summary>Rows <c>(contact_id, at)</c>: each contact's latest engagement from every source.</summary>
    public static string LastEngaged(bool onlyContacts) => LastEngaged(column => onlyContacts ? $" AND {column} = ANY(@c)" : "");

    /// <summary>The same for the contacts with ids in <c>(@after, @upto]</c>: the job's keyset batches, each a range every index serves.</summary>
    public static string LastEngagedInRange() => LastEngaged(column => $" AND {column} > @after AND {column} <= @upto");

    private static string LastEngaged(Func<string, string> Only)
    {
        return $"""
            SELECT contact_id, max(at) AS at FROM (
              SELECT contact_id, max(occurred_at) AS at FROM contact_events
              WHERE tenant_id = @t AND type IN ({EngagementTypes}){Only("contact_id")} GROUP BY contact_id
              UNION ALL
              SELECT contact_id, max(last_clicked_at) FROM short_links
              WHERE owner_tenant_id = @t AND last_clicked_at IS NOT NULL AND url <> '{ShortLinks.PreferencesUrl}'{Only("contact_id")}
                GROUP BY contact_id
              UNION ALL
              SELECT contact_id, max(received_at) FROM sms_inbound
              WHERE tenant_id = @t AND contact_id IS NOT NULL AND kind <> 'stop'{Only("contact_id")} GROUP BY contact_id
              UNION ALL
              SELECT contact_id, max(captured_at) FROM consent_records
              WHERE tenant_id = @t AND action = 'grant' AND method = 'sms_code'{Only("contact_id")} GROUP BY contact_id
            ) sources GROUP BY contact_id
            """;
    }

    /// <summary>A marketing message <paramref name="m"/> delivered (or read) after <paramref name="engagedAt"/> (an SQL expression; NULL = never engaged).</summary>
    public static string UnansweredMessage(string m, string engagedAt) =>
        $"{m}.category <> 'transactional' AND {m}.status IN ('delivered','read') AND ({engagedAt} IS NULL OR {m}.status_at > {engagedAt})";

    /// <summary>The number of marketing messages of contact <paramref name="contactId"/> unanswered since <paramref name="engagedAt"/> (a scalar subquery).</summary>
    public static string UnansweredCount(string contactId, string engagedAt) =>
        $"(SELECT count(*) FROM sms_messages m WHERE m.tenant_id = @t AND m.contact_id = {contactId} AND {UnansweredMessage("m", engagedAt)})::int";
}
