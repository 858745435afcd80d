using PhoneCrm.Infrastructure.Messaging.Campaigns;

namespace PhoneCrm.Infrastructure.Analytics;

/// <summary>
/// The one statement in SQL of the figures of api-v1 "Analytics", over any set of messages (a campaign, its A/B
/// variants, an automation, a week). A scope is a query of rows <c>(key, id, contact_id, sent_at, status, cost,
/// campaign_id, run_id)</c>, one per message measured; the figures are grouped by <c>key</c>.
/// <para>Last touch: an outcome — an <c>order_placed</c>, a marketing SMS consent withdrawn (a STOP reply withdraws it,
/// so does the preferences link), an inbound reply marked as a complaint — is attributed to the contact's latest
/// marketing message (<see cref="MarketingTouch"/>) sent at or before it and less than <c>@days</c> days before it; only
/// when that message is in the scope does the scope count it. So two campaigns a day apart never both claim one order.</para>
/// Parameters: <c>@t</c> the tenant, <c>@days</c> the attribution window, <c>@preferences</c> the preferences link's URL
/// (its clicks are not interest), plus the scope's own.
/// </summary>
public static class AttributionSql
{
    /// <summary>A marketing message <paramref name="m"/>: a campaign's or an automation's, not transactional (as Hygiene counts them).</summary>
    public static string MarketingTouch(string m) => $"{m}.kind IN ('campaign','automation') AND {m}.category <> 'transactional'";

    /// <summary>Columns, in order: key, sent, delivered, read, failed, cost, clicks, conversions, revenue, opt_outs, complaints.</summary>
    public static string Figures(string scope) => $"""
        WITH scoped AS MATERIALIZED ({scope}),
        reached AS (SELECT DISTINCT contact_id FROM scoped WHERE contact_id IS NOT NULL),
        outcomes AS (
          SELECT 'order' AS what, e.contact_id, e.amount, e.occurred_at AS at
          FROM contact_events e JOIN reached r ON r.contact_id = e.contact_id
          WHERE e.tenant_id = @t AND e.type = 'order_placed'
          UNION ALL
          SELECT 'optout', s.contact_id, NULL, s.withdrawn_at
          FROM consent_states s JOIN reached r ON r.contact_id = s.contact_id
          WHERE s.tenant_id = @t AND s.purpose = 'marketing' AND s.channel = 'sms' AND s.status = 'withdrawn' AND s.withdrawn_at IS NOT NULL
          UNION ALL
          SELECT 'complaint', i.contact_id, NULL, i.received_at
          FROM sms_inbound i JOIN reached r ON r.contact_id = i.contact_id
          WHERE i.tenant_id = @t AND i.complaint_at IS NOT NULL
        ),
        attributed AS (
          SELECT touch.id AS message_id, bool_or(o.what = 'order') AS converted,
                 coalesce(sum(o.amount) FILTER (WHERE o.what = 'order'), 0) AS revenue,
                 bool_or(o.what = 'optout') AS opted_out, bool_or(o.what = 'complaint') AS complained
          FROM outcomes o
          CROSS JOIN LATERAL (
            SELECT t.id FROM sms_messages t
            WHERE t.tenant_id = @t AND t.contact_id = o.contact_id AND {MarketingTouch("t")}
              AND t.sent_at <= o.at AND t.sent_at > o.at - make_interval(days => @days)
            ORDER BY t.sent_at DESC, t.id DESC LIMIT 1) touch
          GROUP BY touch.id
        )
        SELECT s.key,
          count(*),
          count(*) FILTER (WHERE s.status IN ('delivered','read')),
          count(*) FILTER (WHERE s.status = 'read'),
          count(*) FILTER (WHERE s.status IN ('failed','undelivered','expired','rejected')),
          coalesce(sum(s.cost) FILTER (WHERE s.status <> 'failed'), 0),
          count(DISTINCT s.contact_id) FILTER (WHERE
            EXISTS (SELECT 1 FROM short_links l WHERE l.owner_tenant_id = @t AND l.campaign_id = s.campaign_id AND l.contact_id = s.contact_id
                      AND l.clicks > 0 AND l.url <> @preferences)
            OR EXISTS (SELECT 1 FROM short_links l WHERE l.owner_tenant_id = @t AND l.automation_run_id = s.run_id
                      AND l.clicks > 0 AND l.url <> @preferences)),
          count(DISTINCT s.contact_id) FILTER (WHERE a.converted),
          coalesce(sum(a.revenue), 0),
          count(DISTINCT s.contact_id) FILTER (WHERE a.opted_out),
          count(DISTINCT s.contact_id) FILTER (WHERE a.complained)
        FROM scoped s LEFT JOIN attributed a ON a.message_id = s.id
        GROUP BY s.key
        """;

    private const string Columns = "m.id, m.contact_id, m.sent_at, m.status, m.cost";

    /// <summary>Scope: the campaigns <c>@ids</c> (uuid[]), keyed by campaign id.</summary>
    public const string Campaigns = $"""
        SELECT m.campaign_id::text AS key, {Columns}, m.campaign_id, NULL::uuid AS run_id
        FROM sms_messages m WHERE m.tenant_id = @t AND m.kind = 'campaign' AND m.campaign_id = ANY(@ids)
        """;

    /// <summary>Scope: campaign <c>@campaign</c>'s messages keyed by A/B variant.</summary>
    public const string Variants = $"""
        SELECT r.variant AS key, {Columns}, m.campaign_id, NULL::uuid AS run_id
        FROM campaign_recipients r JOIN sms_messages m ON m.tenant_id = r.tenant_id AND m.id = r.message_id
        WHERE r.tenant_id = @t AND r.campaign_id = @campaign AND r.variant IS NOT NULL
        """;

    /// <summary>Scope: the automations of kinds <c>@kinds</c> (text[]), keyed by kind, messages sent in [<c>@from</c>, <c>@to</c>).</summary>
    public const string Automations = $"""
        SELECT ar.kind AS key, {Columns}, NULL::uuid AS campaign_id, ar.id AS run_id
        FROM automation_runs ar JOIN sms_messages m ON m.tenant_id = ar.tenant_id AND m.id = ar.message_id
        WHERE ar.tenant_id = @t AND ar.kind = ANY(@kinds) AND ar.message_id IS NOT NULL
          AND m.created_at >= @from AND m.created_at < @to
        """;

    /// <summary>Scope: every campaign and automation message created in [<c>@from</c>, <c>@to</c>), keyed by the
    /// Monday (yyyy-MM-dd) of its week in the zone <c>@zone</c>.</summary>
    public const string Weeks = $"""
        SELECT to_char(date_trunc('week', m.created_at AT TIME ZONE @zone), 'YYYY-MM-DD') AS key, {Columns},
          m.campaign_id, ar.id AS run_id
        FROM sms_messages m
        LEFT JOIN automation_runs ar ON ar.tenant_id = m.tenant_id AND ar.message_id = m.id AND m.kind = 'automation'
        WHERE m.tenant_id = @t AND m.kind IN ('campaign','automation') AND m.created_at >= @from AND m.created_at < @to
        """;

    public static string PreferencesUrl => ShortLinks.PreferencesUrl;
}
