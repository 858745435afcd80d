using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Events;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Hygiene;
using static PhoneCrm.Infrastructure.Database.Sql;

namespace PhoneCrm.Infrastructure.Events;

/// <summary>
/// The computed attributes on the contact row: one update per event (incremental, in the event's transaction) and a set-based rebuild
/// from the events. Both follow the same definitions:
/// orders = <c>order_placed</c> events (amount summed); engagement and unanswered messages = <see cref="EngagementSql"/>;
/// unanswered calls = <c>call_unanswered</c> events after the last engagement.
/// </summary>
public sealed class ContactStatsUpdater(PhoneCrmDbContext db)
{
    public async Task ApplyAsync(NpgsqlConnection conn, Guid tenantId, Guid contactId, EventInput.Valid e, CancellationToken ct)
    {
        var isOrder = e.Type == EventTypes.OrderPlaced;
        var engaged = EventTypes.Engagement.Contains(e.Type) ? e.OccurredAt : (DateTimeOffset?)null;
        var unanswered = e.Type == EventTypes.CallUnanswered ? e.OccurredAt : (DateTimeOffset?)null;
        var categories = isOrder ? e.Categories.ToArray() : [];
        if (categories.Length > 0)
        {
            await ExecAsync(conn, """
                INSERT INTO contact_categories AS cc (tenant_id, contact_id, category, last_purchased_at)
                SELECT @t, @c, unnest(@categories), @at
                ON CONFLICT (tenant_id, contact_id, category) DO UPDATE
                  SET last_purchased_at = GREATEST(cc.last_purchased_at, EXCLUDED.last_purchased_at)
                """, ct,
                P("t", tenantId), P("c", contactId), ArrayOf("categories", categories), P("at", e.OccurredAt));
        }

        // Events may arrive out of order: recency uses GREATEST (which skips NULLs), and the unanswered run is recounted
        // from the events when the last engagement moves.
        await ExecAsync(conn, $"""
            UPDATE contacts AS s SET
              orders_count = s.orders_count + @orders,
              total_spent = s.total_spent + @amount,
              avg_order_value = CASE WHEN s.orders_count + @orders > 0
                THEN round((s.total_spent + @amount) / (s.orders_count + @orders), 2) END,
              last_purchase_at = GREATEST(s.last_purchase_at, @purchase),
              last_engaged_at = GREATEST(s.last_engaged_at, @engaged),
              unanswered_messages = CASE
                WHEN @engaged IS NOT NULL AND (s.last_engaged_at IS NULL OR @engaged > s.last_engaged_at) THEN
                  {EngagementSql.UnansweredCount("@c", "@engaged")}
                ELSE s.unanswered_messages END,
              unanswered_calls = CASE
                WHEN @engaged IS NOT NULL AND (s.last_engaged_at IS NULL OR @engaged > s.last_engaged_at) THEN
                  (SELECT count(*) FROM contact_events x WHERE x.tenant_id = @t AND x.contact_id = @c
                     AND x.type = 'call_unanswered' AND x.occurred_at > @engaged)
                WHEN @unanswered IS NOT NULL AND (s.last_engaged_at IS NULL OR @unanswered > s.last_engaged_at) THEN
                  s.unanswered_calls + 1
                ELSE s.unanswered_calls END,
              purchased_categories = CASE WHEN cardinality(@categories) = 0 THEN s.purchased_categories
                ELSE ARRAY(SELECT DISTINCT k FROM unnest(s.purchased_categories || @categories) AS k ORDER BY 1) END
            WHERE s.tenant_id = @t AND s.id = @c
            """, ct,
            P("t", tenantId), P("c", contactId), P("purchase", NpgsqlDbType.TimestampTz, isOrder ? e.OccurredAt : null),
            P("orders", isOrder ? 1 : 0), P("amount", NpgsqlDbType.Numeric, isOrder ? e.Amount ?? 0m : 0m),
            P("engaged", NpgsqlDbType.TimestampTz, engaged), P("unanswered", NpgsqlDbType.TimestampTz, unanswered),
            ArrayOf("categories", categories));
    }

    /// <summary>Recomputes the tenant's attributes from its events, set-based, in one transaction (the backfill).</summary>
    public async Task<int> RebuildAsync(Guid tenantId, CancellationToken ct = default)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var tx = await conn.BeginTransactionAsync(ct);
            var rows = await RecomputeAsync(conn, tenantId, null, ct);
            await tx.CommitAsync(ct);
            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Recomputes the attributes of <paramref name="contactIds"/> (all the tenant's when null) from their events, set-based,
    /// in the caller's transaction: what a batch of imported events changed, by the same definitions as the backfill.
    /// Returns the number of contacts whose attributes changed.
    /// </summary>
    public static async Task<int> RecomputeAsync(NpgsqlConnection conn, Guid tenantId, Guid[]? contactIds, CancellationToken ct)
    {
        string Only(string column) => contactIds is null ? "" : $" AND {column} = ANY(@c)";
        NpgsqlParameter[] Args() => [P("t", tenantId), ArrayOf("c", contactIds ?? [])];
        await ExecAsync(conn, $"DELETE FROM contact_categories WHERE tenant_id = @t{Only("contact_id")}", ct, Args());
        await ExecAsync(conn, $"""
            INSERT INTO contact_categories (tenant_id, contact_id, category, last_purchased_at)
            SELECT e.tenant_id, e.contact_id, lower(btrim(i.item ->> 'category')), max(e.occurred_at)
            FROM contact_events e
            CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(e.data -> 'items') = 'array'
                                                         THEN e.data -> 'items' ELSE '[]'::jsonb END) AS i(item)
            WHERE e.tenant_id = @t{Only("e.contact_id")} AND e.type = 'order_placed'
              AND coalesce(btrim(i.item ->> 'category'), '') <> ''
            GROUP BY 1, 2, 3
            """, ct, Args());
        return await ExecAsync(conn, $"""
            UPDATE contacts c SET last_purchase_at = x.last_purchase_at, orders_count = x.orders, total_spent = x.total,
              avg_order_value = x.avg, last_engaged_at = x.engaged, unanswered_messages = x.unanswered_messages,
              unanswered_calls = x.unanswered, purchased_categories = x.categories
            FROM (
              SELECT c0.id, a.last_purchase_at, coalesce(a.orders, 0)::int AS orders, coalesce(a.total, 0) AS total,
                     CASE WHEN a.orders > 0 THEN round(a.total / a.orders, 2) END AS avg, g.at AS engaged,
                     {EngagementSql.UnansweredCount("c0.id", "g.at")} AS unanswered_messages,
                     CASE WHEN a.contact_id IS NULL THEN 0 ELSE
                       (SELECT count(*) FROM contact_events x WHERE x.tenant_id = @t AND x.contact_id = a.contact_id
                          AND x.type = 'call_unanswered' AND (g.at IS NULL OR x.occurred_at > g.at)) END::int AS unanswered,
                     coalesce(k.categories, ARRAY[]::text[]) AS categories
              FROM contacts c0
              LEFT JOIN (SELECT contact_id,
                                max(occurred_at) FILTER (WHERE type = 'order_placed') AS last_purchase_at,
                                count(*) FILTER (WHERE type = 'order_placed') AS orders,
                                coalesce(sum(amount) FILTER (WHERE type = 'order_placed'), 0) AS total
                         FROM contact_events WHERE tenant_id = @t{Only("contact_id")} GROUP BY contact_id) a ON a.contact_id = c0.id
              LEFT JOIN ({EngagementSql.LastEngaged(contactIds is not null)}) g ON g.contact_id = c0.id
              LEFT JOIN (SELECT contact_id, array_agg(category::text ORDER BY category) AS categories
                         FROM contact_categories WHERE tenant_id = @t{Only("contact_id")} GROUP BY contact_id) k ON k.contact_id = c0.id
              WHERE c0.tenant_id = @t{Only("c0.id")}
            ) x
            WHERE c.tenant_id = @t AND c.id = x.id
              AND (c.last_purchase_at, c.orders_count, c.total_spent, c.avg_order_value, c.last_engaged_at, c.unanswered_messages,
                   c.unanswered_calls, c.purchased_categories)
                  IS DISTINCT FROM (x.last_purchase_at, x.orders, x.total, x.avg, x.engaged, x.unanswered_messages, x.unanswered, x.categories)
            """, ct, Args());
    }
}
