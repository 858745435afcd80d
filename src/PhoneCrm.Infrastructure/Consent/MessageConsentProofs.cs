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

/// <summary>A campaign's proofs: one per message, under one verification of the chain.</summary>
public sealed record CampaignConsentProofs(Guid CampaignId, string CampaignName, DateTimeOffset GeneratedAt, bool ChainValid, long ChainRecords,
    IReadOnlyList<MessageConsentProof> Messages);

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

    /// <summary>Every message of the campaign with its record (null: no such campaign).</summary>
    public async Task<CampaignConsentProofs?> ForCampaignAsync(Guid campaignId, CancellationToken ct)
    {
        var campaign = await db.Campaigns.AsNoTracking().Where(c => c.Id == campaignId).Select(c => new { c.Id, c.Name }).SingleOrDefaultAsync(ct);
        if (campaign is null) return null;
        var rows = await (
                from m in db.SmsMessages.AsNoTracking()
                where m.CampaignId == campaignId && m.Kind == SmsKinds.Campaign
                join r in db.ConsentRecords.AsNoTracking() on m.ConsentRecordId equals (Guid?)r.Id into found
                from r in found.DefaultIfEmpty()
                orderby m.ContactId, m.Id
                select new { Message = m, Record = r })
            .ToListAsync(ct);
        var chain = await ledger.VerifyChainAsync(ct);
        await audit.WriteAsync(AuditActions.Export, "consent_proof", campaignId.ToString(),
            $"campaign bulk proof; messages={rows.Count};chainValid={chain.Valid}", ct);
        return new CampaignConsentProofs(campaign.Id, campaign.Name, clock.GetUtcNow(), chain.Valid, chain.Records,
            rows.Select(x => Proof(x.Message, x.Record, chain.Valid)).ToList());
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
