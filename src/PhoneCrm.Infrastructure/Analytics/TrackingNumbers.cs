using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Analytics;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Analytics;

/// <summary>A tracking number with what it brought over a period: distinct callers, callers who then ordered, their revenue.</summary>
public sealed record TrackingNumberRow(Guid Id, string Number, string Name, long Callers, long Buyers, decimal Revenue);

/// <summary>
/// Offline tracking numbers (issue 15 item 4): the tenant registers a number per offline campaign; a <c>call_*</c> event
/// whose <c>data.dialledNumber</c> is that number (E.164) attributes the caller to it. Callers are distinct contacts
/// (a caller with several orders is one caller); buyers are callers with an <c>order_placed</c> at or after their first
/// call in the period, and revenue sums those orders.
/// </summary>
public sealed class TrackingNumbers(PhoneCrmDbContext db, TimeProvider clock)
{
    public async Task<IReadOnlyList<TrackingNumberRow>> ListAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        var rows = new List<TrackingNumberRow>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand("""
                SELECT n.id, n.number, n.name, count(DISTINCT calls.contact_id), count(DISTINCT o.contact_id), coalesce(sum(o.amount), 0)
                FROM tracking_numbers n
                LEFT JOIN LATERAL (
                  SELECT e.contact_id, min(e.occurred_at) AS first_at FROM contact_events e
                  WHERE e.tenant_id = n.tenant_id AND e.type LIKE 'call\_%' AND e.data->>'dialledNumber' = n.number
                    AND e.occurred_at >= @from AND e.occurred_at < @to
                  GROUP BY e.contact_id) calls ON true
                LEFT JOIN contact_events o ON o.tenant_id = n.tenant_id AND o.contact_id = calls.contact_id AND o.type = 'order_placed'
                  AND o.occurred_at >= calls.first_at AND o.occurred_at < @to
                WHERE n.tenant_id = @t
                GROUP BY n.id, n.number, n.name
                ORDER BY n.name, n.number
                """, (NpgsqlConnection)db.Database.GetDbConnection());
            cmd.Parameters.Add(new NpgsqlParameter("t", db.Tenant.RequireTenant()));
            cmd.Parameters.Add(Sql.P("from", NpgsqlDbType.TimestampTz, from));
            cmd.Parameters.Add(Sql.P("to", NpgsqlDbType.TimestampTz, to));
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                rows.Add(new TrackingNumberRow(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetDecimal(5)));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return rows;
    }

    public async Task<(TrackingNumber? Added, ValidationErrors Errors)> AddAsync(string? number, string? name, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        NormalizedPhone? phone = null;
        if (string.IsNullOrWhiteSpace(number) || !PhoneParser.TryParse(number, out phone)) errors.Add("number", "Not a phone number.");
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed)) errors.Add("name", "The offline campaign's name is required.");
        else if (trimmed.Length > TrackingNumber.MaxNameLength || ControlCharacters.AreIn(trimmed))
            errors.Add("name", $"At most {TrackingNumber.MaxNameLength} characters.");
        if (!errors.IsValid) return (null, errors);
        if (await db.TrackingNumbers.AnyAsync(n => n.Number == phone!.E164, ct))
            return (null, ValidationErrors.Of("number", "This number already tracks another campaign."));
        var row = new TrackingNumber { TenantId = db.Tenant.RequireTenant(), Number = phone!.E164, Name = trimmed!, CreatedAt = clock.GetUtcNow() };
        db.TrackingNumbers.Add(row);
        await db.SaveChangesAsync(ct);
        return (row, errors);
    }

    public async Task<bool> RemoveAsync(Guid id, CancellationToken ct = default) =>
        await db.TrackingNumbers.Where(n => n.Id == id).ExecuteDeleteAsync(ct) == 1;
}
