using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Events;
using PhoneCrm.Infrastructure.Database;
using static PhoneCrm.Infrastructure.Database.Sql;

namespace PhoneCrm.Infrastructure.Events;

/// <summary>
/// The computed attributes: one upsert per event (incremental, in the event's transaction) and a set-based rebuild
/// from the events. Both follow the same definitions:
/// orders = <c>order_placed</c> events (amount summed); engagement = <see cref="EventTypes.Engagement"/>;
/// unanswered = <c>call_unanswered</c> events after the last engagement.
/// </summary>
public sealed class ContactStatsUpdater(PhoneCrmDbContext db)
{
    private static readonly string _engagementList = string.Join(",", EventTypes.Engagement.Select(t => $"'{t}'"));

    public async Task ApplyAsync(NpgsqlConnection conn, Guid tenantId, Guid contactId, EventInput.Valid e, CancellationToken ct)
    {
        var isOrder = e.Type == EventTypes.OrderPlaced;
        var engaged = EventTypes.Engagement.Contains(e.Type) ? e.OccurredAt : (DateTimeOffset?)null;
        var unanswered = e.Type == EventTypes.CallUnanswered ? e.OccurredAt : (DateTimeOffset?)null;
        // Events may arrive out of order: recency uses GREATEST (which skips NULLs), and the unanswered run is recounted
        // from the events when the last engagement moves.
        await ExecAsync(conn, """
            INSERT INTO contact_stats AS s (tenant_id, contact_id, last_purchase_at, orders_count, total_spent, avg_order_value,
                                            last_engaged_at, unanswered_messages, updated_at)
            VALUES (@t, @c, @purchase, @orders, @amount, CASE WHEN @orders > 0 THEN @amount END, @engaged,
                    CASE WHEN @unanswered IS NOT NULL THEN 1 ELSE 0 END, now())
            ON CONFLICT (tenant_id, contact_id) DO UPDATE SET
              orders_count = s.orders_count + EXCLUDED.orders_count,
              total_spent = s.total_spent + EXCLUDED.total_spent,
              avg_order_value = CASE WHEN s.orders_count + EXCLUDED.orders_count > 0
                THEN round((s.total_spent + EXCLUDED.total_spent) / (s.orders_count + EXCLUDED.orders_count), 2) END,
              last_purchase_at = GREATEST(s.last_purchase_at, EXCLUDED.last_purchase_at),
              last_engaged_at = GREATEST(s.last_engaged_at, EXCLUDED.last_engaged_at),
              unanswered_messages = CASE
                WHEN @engaged IS NOT NULL AND (s.last_engaged_at IS NULL OR @engaged > s.last_engaged_at) THEN
                  (SELECT count(*) FROM contact_events x WHERE x.tenant_id = @t AND x.contact_id = @c
                     AND x.type = 'call_unanswered' AND x.occurred_at > @engaged)
                WHEN @unanswered IS NOT NULL AND (s.last_engaged_at IS NULL OR @unanswered > s.last_engaged_at) THEN
                  s.unanswered_messages + 1
                ELSE s.unanswered_messages END,
              updated_at = now()
            """, ct,
            P("t", tenantId), P("c", contactId), P("purchase", NpgsqlDbType.TimestampTz, isOrder ? e.OccurredAt : null),
            P("orders", isOrder ? 1 : 0), P("amount", NpgsqlDbType.Numeric, isOrder ? e.Amount ?? 0m : 0m),
            P("engaged", NpgsqlDbType.TimestampTz, engaged), P("unanswered", NpgsqlDbType.TimestampTz, unanswered));

        if (!isOrder || e.Categories.Count == 0) return;
        await ExecAsync(conn, """
            INSERT INTO contact_categories AS cc (tenant_id, contact_id, category, last_purchased_at)
            SELECT @t, @c, unnest(@categories), @at
            ON CONFLICT (tenant_id, contact_id, category) DO UPDATE
              SET last_purchased_at = GREATEST(cc.last_purchased_at, EXCLUDED.last_purchased_at)
            """, ct,
            P("t", tenantId), P("c", contactId), P("categories", NpgsqlDbType.Array | NpgsqlDbType.Text, e.Categories.ToArray()),
            P("at", e.OccurredAt));
    }

    /// <summary>Recomputes the tenant's attributes from its events, set-based, in one transaction (the backfill).</summary>
    public async Task<int> RebuildAsync(Guid tenantId, CancellationToken ct = default)
    {
        db.Tenant.Set(tenantId);
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
    /// Returns the stats rows written.
    /// </summary>
    public static async Task<int> RecomputeAsync(NpgsqlConnection conn, Guid tenantId, Guid[]? contactIds, CancellationToken ct)
    {
        var only = contactIds is null ? "" : " AND contact_id = ANY(@c)";
        NpgsqlParameter[] Args() => [P("t", tenantId), P("c", NpgsqlDbType.Array | NpgsqlDbType.Uuid, contactIds ?? [])];
        await ExecAsync(conn, $"DELETE FROM contact_categories WHERE tenant_id = @t{only}", ct, Args());
        await ExecAsync(conn, $"DELETE FROM contact_stats WHERE tenant_id = @t{only}", ct, Args());
        var rows = await ExecAsync(conn, $"""
            INSERT INTO contact_stats (tenant_id, contact_id, last_purchase_at, orders_count, total_spent, avg_order_value,
                                       last_engaged_at, unanswered_messages, updated_at)
            SELECT a.tenant_id, a.contact_id, a.last_purchase_at, a.orders, a.total,
                   CASE WHEN a.orders > 0 THEN round(a.total / a.orders, 2) END, a.engaged,
                   (SELECT count(*) FROM contact_events x WHERE x.tenant_id = a.tenant_id AND x.contact_id = a.contact_id
                      AND x.type = 'call_unanswered' AND (a.engaged IS NULL OR x.occurred_at > a.engaged)),
                   now()
            FROM (SELECT tenant_id, contact_id,
                         max(occurred_at) FILTER (WHERE type = 'order_placed') AS last_purchase_at,
                         count(*) FILTER (WHERE type = 'order_placed') AS orders,
                         coalesce(sum(amount) FILTER (WHERE type = 'order_placed'), 0) AS total,
                         max(occurred_at) FILTER (WHERE type IN ({_engagementList})) AS engaged
                  FROM contact_events WHERE tenant_id = @t{only} GROUP BY tenant_id, contact_id) a
            """, ct, Args());
        await ExecAsync(conn, $"""
            INSERT INTO contact_categories (tenant_id, contact_id, category, last_purchased_at)
            SELECT e.tenant_id, e.contact_id, lower(btrim(i.item ->> 'category')), max(e.occurred_at)
            FROM contact_events e
            CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(e.data -> 'items') = 'array'
                                                         THEN e.data -> 'items' ELSE '[]'::jsonb END) AS i(item)
            WHERE e.tenant_id = @t{only.Replace("contact_id", "e.contact_id", StringComparison.Ordinal)} AND e.type = 'order_placed'
              AND coalesce(btrim(i.item ->> 'category'), '') <> ''
            GROUP BY 1, 2, 3
            """, ct, Args());
        return rows;
    }
}
