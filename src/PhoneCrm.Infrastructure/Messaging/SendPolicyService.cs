using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Hygiene;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Infrastructure.Requests;

namespace PhoneCrm.Infrastructure.Messaging;

/// <summary>
/// The infrastructure half of <see cref="SendPolicy"/>: loads the facts of many contacts in one set-based query
/// (consent state, suppression by phone index, message counts over rolling windows) and applies the pure decision.
/// Used by campaigns, automations, test sends and the answers to a person's own action (<see cref="SmsAnswers"/>) alike.
/// </summary>
public sealed class SendPolicyService(PhoneCrmDbContext db, SendingSettingsService settings, BlindIndex index, TimeProvider clock, IConfiguration config)
{
    /// <summary>Kinds that count against the caps (consent codes, confirmations and tests do not).</summary>
    public static readonly string[] CountedKinds = [SmsKinds.Campaign, SmsKinds.Automation, SmsKinds.Reconsent];

    /// <summary>From this many contacts on, the facts are loaded with one set-based join instead of per-contact lookups.</summary>
    public const int BulkFrom = 20_000;

    public TimeProvider Clock => clock;

    /// <summary>Marketing stops (<see cref="SendReasons.Unengaged"/>) from this many unanswered marketing messages on.</summary>
    public int UnansweredLimit => config.GetValue("Hygiene:UnansweredLimit", HygieneRules.DefaultUnansweredLimit);

    public Task<SendingSettings> SettingsAsync(CancellationToken ct = default) => settings.GetAsync(ct);

    /// <summary>Decides for each contact; contacts that do not exist (or are another tenant's) are absent from the result.</summary>
    /// <param name="excludeCampaignId">A campaign's own messages are not counted against its recipients (a re-run after a
    /// crash must not cap itself).</param>
    public async Task<Dictionary<Guid, SendDecision>> DecideAsync(
        SendIntent intent, IReadOnlyCollection<Guid> contactIds, Guid? excludeCampaignId = null, CancellationToken ct = default)
    {
        var policy = await settings.GetAsync(ct);
        var now = clock.GetUtcNow();
        var result = new Dictionary<Guid, SendDecision>(contactIds.Count);
        await ReadFactsAsync(intent, contactIds, excludeCampaignId, now, f => result[f.ContactId] = SendPolicy.Decide(intent, f, policy, now), ct);
        return result;
    }

    public async Task<List<RecipientFacts>> LoadFactsAsync(
        SendIntent intent, IReadOnlyCollection<Guid> contactIds, Guid? excludeCampaignId, DateTimeOffset now, CancellationToken ct)
    {
        var result = new List<RecipientFacts>(contactIds.Count);
        await ReadFactsAsync(intent, contactIds, excludeCampaignId, now, result.Add, ct);
        return result;
    }

    /// <summary>Streams the facts of the contacts to <paramref name="onFacts"/> (a whole audience is never held in memory).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities",
        Justification = "The joins are one of two constant fragments (with ConsentSql.IsActive) and TRUE/FALSE; every value is a parameter.")]
    private async Task ReadFactsAsync(SendIntent intent, IReadOnlyCollection<Guid> contactIds, Guid? excludeCampaignId, DateTimeOffset now,
        Action<RecipientFacts> onFacts, CancellationToken ct)
    {
        if (contactIds.Count == 0) return;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            // A batch (up to BulkFrom contacts) looks everything up per contact by key — LATERAL … LIMIT 1 keeps the planner
            // from flattening the lookups into hash joins over all of the tenant's contacts and consents, which made
            // every batch of a large campaign cost as much as the whole audience. A whole audience (planning) is one
            // set-based join, where hashing is the right plan.
            var joins = contactIds.Count >= BulkFrom
                ? $"""
                  JOIN contacts c ON c.tenant_id = @tenant AND c.id = x.id
                  LEFT JOIN consent_states s ON s.tenant_id = c.tenant_id AND s.contact_id = c.id AND s.purpose = @purpose AND s.channel = @channel
                    AND {ConsentSql.IsActive("s", "@now")}
                  LEFT JOIN suppressions sup ON sup.tenant_id = c.tenant_id AND sup.phone_index = c.phone_index
                  """
                : $"""
                  JOIN LATERAL (
                    SELECT c.tenant_id, c.id, c.status, c.phone_type, c.time_zone, c.marketing_frequency, c.phone_index, c.unanswered_messages
                    FROM contacts c WHERE c.tenant_id = @tenant AND c.id = x.id LIMIT 1
                  ) c ON TRUE
                  LEFT JOIN LATERAL (
                    SELECT s.status FROM consent_states s
                    WHERE s.tenant_id = c.tenant_id AND s.contact_id = c.id AND s.purpose = @purpose AND s.channel = @channel
                      AND {ConsentSql.IsActive("s", "@now")}
                    LIMIT 1
                  ) s ON TRUE
                  LEFT JOIN LATERAL (
                    SELECT sup.scope FROM suppressions sup WHERE sup.tenant_id = c.tenant_id AND sup.phone_index = c.phone_index LIMIT 1
                  ) sup ON TRUE
                  """;
            var tombstones = await TombstonesAsync(ct);
            await using var cmd = new NpgsqlCommand($"""
                SELECT c.id, c.status, c.phone_type, c.time_zone, c.marketing_frequency,
                  s.status IS NOT NULL,
                  sup.scope, c.phone_index,
                  coalesce(m.day, 0), coalesce(m.info_week, 0), coalesce(m.promo_month, 0),
                  coalesce(m.marketing_week, 0), coalesce(m.marketing_month, 0), c.unanswered_messages >= @unansweredLimit
                FROM unnest(@ids) AS x(id)
                {joins}
                LEFT JOIN LATERAL (
                  SELECT count(*) FILTER (WHERE m.created_at > @day) AS day,
                         count(*) FILTER (WHERE m.category = 'informational' AND m.created_at > @week) AS info_week,
                         count(*) FILTER (WHERE m.category = 'promotional') AS promo_month,
                         count(*) FILTER (WHERE m.category <> 'transactional' AND m.created_at > @week) AS marketing_week,
                         count(*) FILTER (WHERE m.category <> 'transactional') AS marketing_month
                  FROM sms_messages m
                  WHERE m.tenant_id = c.tenant_id AND m.contact_id = c.id AND m.created_at > @month
                    AND m.status <> 'failed' AND m.kind = ANY(@kinds)
                    AND (@exclude::uuid IS NULL OR m.campaign_id IS DISTINCT FROM @exclude::uuid)
                ) m ON {(intent.IsMarketing || intent.Kind == SmsKinds.Reconsent ? "TRUE" : "FALSE")}
                """, (NpgsqlConnection)db.Database.GetDbConnection());
            if (contactIds.Count >= BulkFrom) cmd.CommandTimeout = 600;
            cmd.Parameters.Add(new NpgsqlParameter("tenant", db.Tenant.RequireTenant()));
            cmd.Parameters.Add(Sql.ArrayOf("ids", contactIds));
            cmd.Parameters.Add(new NpgsqlParameter("purpose", intent.Purpose));
            cmd.Parameters.Add(new NpgsqlParameter("channel", intent.ConsentChannel));
            cmd.Parameters.Add(new NpgsqlParameter("now", now));
            cmd.Parameters.Add(new NpgsqlParameter("day", now.AddDays(-1)));
            cmd.Parameters.Add(new NpgsqlParameter("week", now.AddDays(-7)));
            cmd.Parameters.Add(new NpgsqlParameter("month", now.AddDays(-30)));
            cmd.Parameters.Add(new NpgsqlParameter("kinds", CountedKinds));
            cmd.Parameters.Add(new NpgsqlParameter("unansweredLimit", UnansweredLimit));
            cmd.Parameters.Add(new NpgsqlParameter("exclude", NpgsqlDbType.Uuid) { Value = (object?)excludeCampaignId ?? DBNull.Value });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                onFacts(new RecipientFacts(
                    r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                    r.GetBoolean(5), Scope(r.IsDBNull(6) ? null : r.GetString(6), tombstones, (byte[])r[7]),
                    (int)r.GetInt64(8), (int)r.GetInt64(9), (int)r.GetInt64(10), (int)r.GetInt64(11), (int)r.GetInt64(12), r.GetBoolean(13)));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// The tenant's erasure tombstones (none for most tenants: then nothing is hashed). A tombstoned number is a marketing
    /// suppression whichever path brought it back (an import, the API, a form, an event): this is the one place it is honoured.
    /// </summary>
    private async Task<HashSet<byte[]>?> TombstonesAsync(CancellationToken ct)
    {
        var hashes = await db.ErasureTombstones.AsNoTracking().Select(t => t.PhoneHash).ToListAsync(ct);
        return hashes.Count == 0 ? null : new HashSet<byte[]>(hashes, ByteArrayComparer.Instance);
    }

    /// <summary>The suppression a number is under: its own, else marketing when the number was erased once.</summary>
    private string? Scope(string? suppression, HashSet<byte[]>? tombstones, byte[] phoneIndex) =>
        suppression ?? (tombstones is not null && tombstones.Contains(index.Tombstone(db.Tenant.RequireTenant(), phoneIndex))
            ? SuppressionScopes.Marketing : null);

    /// <summary>
    /// A message to one number (a test send to a team number, a code, a confirmation): decided on the facts of the contact
    /// holding the number, or, when none does, of the bare number (its type, its suppression; no consent).
    /// </summary>
    public async Task<SendDecision> DecideNumberAsync(SendIntent intent, string e164, CancellationToken ct = default)
    {
        if (!PhoneParser.TryParse(e164, out var phone)) return SendDecision.Skip(SendReasons.InvalidPhone);
        var phoneIndex = (await index.ForTenantAsync(db, ct)).Phone(phone.E164);
        var contactId = await db.Contacts.AsNoTracking().Where(c => c.PhoneIndex == phoneIndex).Select(c => (Guid?)c.Id).SingleOrDefaultAsync(ct);
        if (contactId is { } id)
        {
            var decisions = await DecideAsync(intent, [id], null, ct);
            if (decisions.TryGetValue(id, out var d)) return d;
        }

        var scope = await db.Suppressions.AsNoTracking().Where(s => s.PhoneIndex == phoneIndex).Select(s => s.Scope).SingleOrDefaultAsync(ct);
        var tombstone = index.Tombstone(db.Tenant.RequireTenant(), phoneIndex);
        scope ??= await db.ErasureTombstones.AnyAsync(t => t.PhoneHash == tombstone, ct) ? SuppressionScopes.Marketing : null;
        var facts = new RecipientFacts(Guid.Empty, ContactStatus.Active, phone.Type, "", null, false, scope, 0, 0, 0, 0, 0);
        return SendPolicy.Decide(intent, facts, await settings.GetAsync(ct), clock.GetUtcNow());
    }
}
