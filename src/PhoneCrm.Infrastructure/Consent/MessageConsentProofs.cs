using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Consent;

/// <summary>The ledger record behind a message (api-v1 "Consent behind a message": <c>record</c>).</summary>
public sealed record MessageProofRecord(Guid Id, string? LegalBasis, DateTimeOffset GrantedAt, RecordEvidence Evidence, TextVersionRef? TextVersion);

/// <summary>
/// The consent behind one message: the ledger record that allowed it when it was queued and whether the chain holds.
/// <paramref name="Basis"/> says what allowed it: <c>ledger_record</c> (then <paramref name="Record"/> is set),
/// <c>recipient_action</c> (a code or confirmation the person asked for), <c>team_test</c>, or <c>none</c> (queued before
/// messages recorded their basis).
/// </summary>
public sealed record MessageConsentProof(Guid MessageId, Guid? ContactId, DateTimeOffset? SentAt, string Kind, string Purpose, string Channel,
    string Basis, MessageProofRecord? Record, bool ChainValid);

/// <summary>
/// A campaign's proofs under one verification of the chain: <paramref name="Messages"/> streams them a chunk at a time,
/// ordered by recipient, so a campaign of any size is never held in memory (enumerate it once).
/// </summary>
public sealed record CampaignConsentProofs(Guid CampaignId, string CampaignName, DateTimeOffset GeneratedAt, bool ChainValid, long ChainRecords,
    int MessageCount, IAsyncEnumerable<MessageConsentProof> Messages);

/// <summary>
/// Reads the proof behind messages (<see cref="SmsMessage.ConsentRecordId"/>, set by <see cref="Messaging.SmsOutbox"/> at
/// queue time): one message for the API and the contact card, or every message of a campaign for the bulk proof. Every
/// read is audited, as the evidence is personal data.
/// </summary>
public sealed class MessageConsentProofs(PhoneCrmDbContext db, ConsentLedger ledger, AuditLog audit, TimeProvider clock)
{
    public static class Bases
    {
        public const string LedgerRecord = "ledger_record";
        public const string RecipientAction = "recipient_action";
        public const string TeamTest = "team_test";
        public const string None = "none";
    }

    /// <summary>The proof of one message of this tenant, or null (unknown, another tenant's, or a contact outside <paramref name="scope"/>).</summary>
    public async Task<MessageConsentProof?> GetAsync(Guid messageId, ContactScope scope, string via, CancellationToken ct)
    {
        var message = await db.SmsMessages.AsNoTracking().Where(m => m.Id == messageId)
            .Where(m => scope.OwnerOnly == null || db.Contacts.Any(c => c.Id == m.ContactId && c.OwnerId == scope.OwnerOnly))
            .SingleOrDefaultAsync(ct);
        if (message is null) return null;
        var record = message.ConsentRecordId is { } id ? await db.ConsentRecords.AsNoTracking().SingleAsync(r => r.Id == id, ct) : null;
        var chain = await ledger.VerifyChainAsync(ct);
        await audit.WriteAsync(AuditActions.Read, "consent_proof", message.Id.ToString(),
            $"{via} message proof; record={record?.Id};chainValid={chain.Valid}", ct);
        return Proof(message, record, chain.Valid);
    }

    /// <summary>Messages read per round trip by the campaign's stream.</summary>
    public const int ChunkSize = 1000;

    /// <summary>Every message of the campaign with its record, streamed (null: no such campaign). The export is audited here.</summary>
    public Task<CampaignConsentProofs?> ForCampaignAsync(Guid campaignId, CancellationToken ct) => ForCampaignAsync(campaignId, ChunkSize, ct);

    /// <summary>The same stream with a chosen chunk size (tests use tiny chunks to cross chunk borders).</summary>
    public async Task<CampaignConsentProofs?> ForCampaignAsync(Guid campaignId, int chunkSize, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        var campaign = await db.Campaigns.AsNoTracking().Where(c => c.Id == campaignId).Select(c => new { c.Id, c.Name }).SingleOrDefaultAsync(ct);
        if (campaign is null) return null;
        var count = await db.SmsMessages.CountAsync(m => m.CampaignId == campaignId && m.Kind == SmsKinds.Campaign, ct);
        var chain = await ledger.VerifyChainAsync(ct);
        await audit.WriteAsync(AuditActions.Export, "consent_proof", campaignId.ToString(),
            $"campaign bulk proof; messages={count};chainValid={chain.Valid}", ct);
        return new CampaignConsentProofs(campaign.Id, campaign.Name, clock.GetUtcNow(), chain.Valid, chain.Records, count,
            StreamAsync(campaignId, chunkSize, chain.Valid, ct));
    }

    /// <summary>Keyset chunks over (contact_id, id) in PostgreSQL's uuid order, so one recipient's messages come together.</summary>
    private async IAsyncEnumerable<MessageConsentProof> StreamAsync(Guid campaignId, int chunkSize, bool chainValid,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var (afterContact, afterId) = (Guid.Empty, Guid.Empty);
        while (true)
        {
            var ids = await db.Database.SqlQuery<Guid>($"""
                SELECT id AS "Value" FROM sms_messages
                WHERE tenant_id = {db.Tenant.RequireTenant()} AND campaign_id = {campaignId} AND kind = {SmsKinds.Campaign}
                  AND (contact_id, id) > ({afterContact}, {afterId})
                ORDER BY contact_id, id LIMIT {chunkSize}
                """).ToListAsync(ct);
            if (ids.Count == 0) yield break;
            var rows = await (
                    from m in db.SmsMessages.AsNoTracking()
                    where ids.Contains(m.Id)
                    join r in db.ConsentRecords.AsNoTracking() on m.ConsentRecordId equals (Guid?)r.Id into found
                    from r in found.DefaultIfEmpty()
                    select new { Message = m, Record = r })
                .ToDictionaryAsync(x => x.Message.Id, ct);
            foreach (var id in ids) yield return Proof(rows[id].Message, rows[id].Record, chainValid);
            var last = rows[ids[^1]].Message;
            (afterContact, afterId) = (last.ContactId ?? Guid.Empty, last.Id);
            if (ids.Count < chunkSize) yield break;
        }
    }

    private static MessageConsentProof Proof(SmsMessage m, ConsentRecord? r, bool chainValid) =>
        new(m.Id, m.ContactId, m.SentAt, m.Kind, m.Purpose, SendIntent.Channel, BasisOf(m, r),
            r is null ? null : new MessageProofRecord(r.Id, r.LegalBasis, r.CapturedAt, r.Evidence(), r.TextVersion()), chainValid);

    private static string BasisOf(SmsMessage m, ConsentRecord? r) =>
        r is not null ? Bases.LedgerRecord
        : m.Kind == SmsKinds.Test ? Bases.TeamTest
        : SendIntent.AnswerKinds.Contains(m.Kind) ? Bases.RecipientAction
        : Bases.None;
}
