using PhoneCrm.Infrastructure.Messaging.Campaigns;

namespace PhoneCrm.Infrastructure.Analytics;

/// <summary>
/// The one statement in SQL of the figures of api-v1 "Analytics", over any set of messages (a campaign, its A/B
/// variants, an automation, a week). A scope is a query of rows <c>(key, id, contact_id, sent_at, status, cost, kind,
/// category, campaign_id, run_id)</c>, one per message measured; the figures are grouped by <c>key</c> (the page's
/// scope, <see cref="PageFigures"/>, carries raw values grouped two ways instead).
/// <para>Last touch: an outcome — an <c>order_placed</c>, a marketing SMS consent withdrawn (a STOP reply withdraws it,
/// so does the preferences link), an inbound reply marked as a complaint — is attributed to the contact's latest
/// marketing message (<see cref="MarketingTouch"/>) sent at or before it and less than <c>@days</c> days before it; only
/// when that message is in the scope does the scope count it. So two campaigns a day apart never both claim one order.</para>
/// <para>Set-based at millions of messages: only outcomes between the scope's first message and its last one plus the
/// window can be attributed to it, so those are read by time (partial indexes on the order and withdrawal times) and
/// hash-joined to the scope's messages; each outcome's latest in-scope message is then kept only when no later marketing
/// message precedes the outcome (one index probe per attributed outcome, not per recipient). Clicks are read per
/// campaign or automation run and joined, not probed per message.</para>
/// Parameters: <c>@t</c> the tenant, <c>@days</c> the attribution window, <c>@preferences</c> the preferences link's URL
/// (its clicks are not interest), plus the scope's own.
/// </summary>
public static class AttributionSql
{
    /// <summary>A marketing message <paramref name="m"/>: a campaign's or an automation's, not transactional (as Hygiene counts them).</summary>
    public static string MarketingTouch(string m) => $"{m}.kind IN ('campaign','automation') AND {m}.category <> 'transactional'";

    /// <summary>Columns, in order: key, sent, delivered, read, failed, cost, clicks, conversions, revenue, opt_outs, complaints.</summary>
    public static string Figures(string scope) => Figures(scope, "s.key", "GROUP BY s.key");

    /// <summary>
    /// The figures of a scope grouped by <paramref name="groupBy"/> (a <c>GROUP BY</c> clause over the scope's rows
    /// <c>s</c>, with its <c>HAVING</c>), each group named by <paramref name="key"/> (a text expression over the grouped
    /// columns of <c>s</c>, evaluated once per group). The scope is materialised once and aggregated three times, each
    /// over only the rows it needs: the counts and the cost over every message (plain aggregates, no join); the unique
    /// clickers over the messages whose recipient clicked; the unique converted, opted-out and complaining recipients
    /// and the revenue over the attributed messages (a few thousand, joined back to their scope rows) — not every
    /// message joined to its outcomes and counted distinct (at 125,000 messages that join and its sorts were a quarter
    /// of the statement).
    /// </summary>
    private static string Figures(string scope, string key, string groupBy) => $"""
        WITH scoped AS MATERIALIZED ({scope}),
        bounds AS (
          -- One pass over the scope for everything the outcomes and clicks are looked up by.
          SELECT min(sent_at) AS lo, max(sent_at) + make_interval(days => @days) AS hi,
                 array_agg(DISTINCT campaign_id) FILTER (WHERE campaign_id IS NOT NULL) AS campaigns,
                 array_agg(DISTINCT run_id) FILTER (WHERE run_id IS NOT NULL) AS runs
          FROM scoped),
        outcomes AS (
          SELECT 'order' AS what, e.id::text AS oid, e.contact_id, e.amount, e.occurred_at AS at
          FROM bounds b JOIN contact_events e ON e.tenant_id = @t AND e.type = 'order_placed' AND e.occurred_at >= b.lo AND e.occurred_at < b.hi
          UNION ALL
          SELECT 'optout', s.contact_id::text, s.contact_id, NULL, s.withdrawn_at
          FROM bounds b JOIN consent_states s ON s.tenant_id = @t AND s.purpose = 'marketing' AND s.channel = 'sms' AND s.status = 'withdrawn'
            AND s.withdrawn_at >= b.lo AND s.withdrawn_at < b.hi
          UNION ALL
          SELECT 'complaint', i.id::text, i.contact_id, NULL, i.received_at
          FROM bounds b JOIN sms_inbound i ON i.tenant_id = @t AND i.complaint_at IS NOT NULL AND i.received_at >= b.lo AND i.received_at < b.hi
        ),
        touched AS (
          SELECT DISTINCT ON (o.what, o.oid) o.what, o.amount, o.at, s.id AS message_id, s.contact_id, s.sent_at
          FROM outcomes o JOIN scoped s ON s.contact_id = o.contact_id AND s.sent_at <= o.at AND s.sent_at > o.at - make_interval(days => @days)
          WHERE {MarketingTouch("s")}
          ORDER BY o.what, o.oid, s.sent_at DESC, s.id DESC
        ),
        attributed AS (
          SELECT t.message_id, bool_or(t.what = 'order') AS converted,
                 coalesce(sum(t.amount) FILTER (WHERE t.what = 'order'), 0) AS revenue,
                 bool_or(t.what = 'optout') AS opted_out, bool_or(t.what = 'complaint') AS complained
          FROM touched t
          WHERE NOT EXISTS (SELECT 1 FROM sms_messages x WHERE x.tenant_id = @t AND x.contact_id = t.contact_id AND {MarketingTouch("x")}
                              AND x.sent_at <= t.at AND (x.sent_at, x.id) > (t.sent_at, t.message_id))
          GROUP BY t.message_id
        ),
        clicked AS (
          SELECT DISTINCT l.campaign_id, l.contact_id FROM bounds b JOIN short_links l
            ON l.owner_tenant_id = @t AND l.campaign_id = ANY(b.campaigns)
          WHERE l.clicks > 0 AND l.url <> @preferences
        ),
        clicked_runs AS (
          SELECT DISTINCT l.automation_run_id FROM bounds b JOIN short_links l
            ON l.owner_tenant_id = @t AND l.automation_run_id = ANY(b.runs)
          WHERE l.clicks > 0 AND l.url <> @preferences
        ),
        counted AS (
          SELECT {key} AS key,
            count(*) AS sent,
            count(*) FILTER (WHERE s.status IN ('delivered','read')) AS delivered,
            count(*) FILTER (WHERE s.status = 'read') AS read,
            count(*) FILTER (WHERE s.status IN ('failed','undelivered','expired','rejected')) AS failed,
            coalesce(sum(s.cost) FILTER (WHERE s.status <> 'failed'), 0) AS cost
          FROM scoped s
          {groupBy}
        ),
        clicks AS (
          SELECT {key} AS key, count(DISTINCT s.contact_id) AS clicks
          FROM scoped s
          WHERE EXISTS (SELECT 1 FROM clicked c WHERE c.campaign_id = s.campaign_id AND c.contact_id = s.contact_id)
             OR EXISTS (SELECT 1 FROM clicked_runs r WHERE r.automation_run_id = s.run_id)
          {groupBy}
        ),
        outcome_counts AS (
          SELECT {key} AS key,
            count(DISTINCT s.contact_id) FILTER (WHERE a.converted) AS conversions,
            sum(a.revenue) AS revenue,
            count(DISTINCT s.contact_id) FILTER (WHERE a.opted_out) AS opt_outs,
            count(DISTINCT s.contact_id) FILTER (WHERE a.complained) AS complaints
          FROM attributed a JOIN scoped s ON s.id = a.message_id
          {groupBy}
        )
        SELECT n.key, n.sent, n.delivered, n.read, n.failed, n.cost, coalesce(k.clicks, 0),
          coalesce(o.conversions, 0), coalesce(o.revenue, 0), coalesce(o.opt_outs, 0), coalesce(o.complaints, 0)
        FROM counted n
        LEFT JOIN clicks k ON k.key = n.key
        LEFT JOIN outcome_counts o ON o.key = n.key
        """;

    private const string Columns = "m.id, m.contact_id, m.sent_at, m.status, m.cost, m.kind, m.category";

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

    /// <summary>Scope: the messages of campaigns <c>@ids</c> (uuid[]) twice: keyed <c>{campaign}|total</c>, and
    /// <c>{campaign}|{day}</c> by the day (yyyy-MM-dd) they were created in the zone <c>@zone</c> — what
    /// <see cref="ClosedFiguresJob"/> stores.</summary>
    public const string Closing = $"""
        SELECT m.campaign_id::text || '|total' AS key, {Columns}, m.campaign_id, NULL::uuid AS run_id
        FROM sms_messages m WHERE m.tenant_id = @t AND m.kind = 'campaign' AND m.campaign_id = ANY(@ids)
        UNION ALL
        SELECT m.campaign_id::text || '|' || to_char(m.created_at AT TIME ZONE @zone, 'YYYY-MM-DD'), {Columns}, m.campaign_id, NULL::uuid
        FROM sms_messages m WHERE m.tenant_id = @t AND m.kind = 'campaign' AND m.campaign_id = ANY(@ids)
        """;

    /// <summary>
    /// What the analytics page measures, each message one row of the scope counted in up to two groups. The comparison's
    /// rows (<c>compared</c>): every message of the campaigns <c>@ids</c> (uuid[]), keyed <c>c|{campaign id}</c>, as
    /// <see cref="Campaigns"/>; the automations of kinds <c>@kinds</c> (text[]) over messages created in [<c>@from</c>,
    /// <c>@to</c>), keyed <c>a|{kind}</c>, as <see cref="Automations"/>. With <c>@weeks</c> (boolean), the weekly charts'
    /// (<c>week</c>): <c>w|{Monday}|{campaign id or automation kind}</c>, the Monday (yyyy-MM-dd) in the zone <c>@zone</c>
    /// of the week the message was created in, for the messages created in [<c>@from</c>, <c>@to</c>) of the campaigns
    /// <c>@open</c> (uuid[]: those whose figures are not stored) and of every automation (runs created before <c>@to</c>).
    /// A week's figures are the sum of its campaigns' and automations' (as the comparison lists them), so stored and live
    /// figures add up. The last touch does not depend on the scope (it is the contact's latest marketing message of all),
    /// only whether the scope holds it, so each group's figures are the ones it gives alone.
    /// <para>The rows carry raw values (a flag, the campaign id, the automation kind, the week's start) grouped with
    /// <c>GROUPING SETS</c>; the text keys are made once per group, not per message (building two text keys for each
    /// of 125,000 messages was a quarter of the statement).</para>
    /// </summary>
    public static string PageFigures { get; } = Figures($"""
        SELECT * FROM (
          SELECT m.campaign_id = ANY(@ids) AS compared, NULL::text AS automation,
            CASE WHEN @weeks AND m.campaign_id = ANY(@open) AND m.created_at >= @from AND m.created_at < @to
              THEN date_trunc('week', m.created_at AT TIME ZONE @zone) END AS week,
            {Columns}, m.campaign_id, NULL::uuid AS run_id
          FROM sms_messages m
          WHERE m.tenant_id = @t AND m.kind = 'campaign' AND (m.campaign_id = ANY(@ids) OR m.campaign_id = ANY(@open))
          UNION ALL
          SELECT ar.kind = ANY(@kinds), ar.kind,
            CASE WHEN @weeks AND ar.created_at < @to THEN date_trunc('week', m.created_at AT TIME ZONE @zone) END,
            {Columns}, NULL::uuid, ar.id
          FROM automation_runs ar JOIN sms_messages m ON m.tenant_id = ar.tenant_id AND m.id = ar.message_id
          WHERE ar.tenant_id = @t AND ar.message_id IS NOT NULL AND m.created_at >= @from AND m.created_at < @to
            AND (ar.kind = ANY(@kinds) OR (@weeks AND ar.created_at < @to))
        ) AS p
        WHERE p.compared OR p.week IS NOT NULL
        """,
        key: """
            CASE WHEN s.week IS NULL THEN CASE WHEN s.campaign_id IS NOT NULL THEN 'c|' || s.campaign_id::text ELSE 'a|' || s.automation END
              ELSE 'w|' || to_char(s.week, 'YYYY-MM-DD') || '|' || coalesce(s.campaign_id::text, s.automation) END
            """,
        groupBy: """
            GROUP BY GROUPING SETS ((s.compared, s.campaign_id, s.automation), (s.week, s.campaign_id, s.automation))
            HAVING coalesce(s.compared, false) OR s.week IS NOT NULL
            """);

    public static string PreferencesUrl => ShortLinks.PreferencesUrl;
}
