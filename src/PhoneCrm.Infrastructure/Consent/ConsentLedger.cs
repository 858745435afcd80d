using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Consent;

/// <summary>
/// The only writer of the consent ledger. Each append locks the tenant's chain head (serialising appends per tenant),
/// chains the record's hash to the previous one and updates the current state, all in one transaction.
/// </summary>
public sealed class ConsentLedger(PhoneCrmDbContext db, ContactService contacts, ConsentPurposes purposes, TimeProvider clock)
{
    public async Task<GrantResult> GrantAsync(GrantInput input, CancellationToken ct = default)
    {
        var now = Micro(clock.GetUtcNow());
        var e = new GrantInputValidator(now).CheckAll(input);
        if (!e.Has("phone") && !PhoneParser.Parse(input.Phone!, await contacts.DefaultRegionAsync(ct)).IsSuccess)
            e.Add("phone", "Enter a valid phone number.");

        var purpose = e.Has("purpose") ? null : await purposes.FindAsync(input.Purpose!, ct);
        if (purpose is null && !e.Has("purpose")) e.Add("purpose", ConsentInputRules.UnknownPurpose(input.Purpose));
        if (purpose is not null && !e.Has("channel") && !e.Has("legalBasis")
            && purpose.Rule().RefuseGrant(input.LegalBasis!, input.Channel!) is { } refusal)
            e.Add("legalBasis", refusal);

        ConsentTextVersion? text = null;
        if (input.TextVersionId is { } textId)
        {
            text = await db.ConsentTextVersions.SingleOrDefaultAsync(v => v.Id == textId, ct);
            if (text is null) e.Add("textVersionId", "Unknown consent text version.");
            else if (purpose is not null && text.PurposeCodes.Count > 0 && !text.PurposeCodes.Contains(purpose.Code))
                e.Add("textVersionId", $"This text version does not cover the purpose '{purpose.Code}'.");
        }

        if (!e.IsValid) return new GrantResult(null, e);

        var upsert = await contacts.UpsertAsync(new ContactInput { Phone = input.Phone, SourceChannel = SourceOf(input.Evidence.Method!) }, ct);
        if (!upsert.IsValid) return new GrantResult(null, upsert.Errors);
        var contactId = upsert.Contact!.Id;
        var capturedAt = Micro(input.Evidence.CapturedAt ?? now);
        var rule = purpose!.Rule();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var head = await LockHeadAsync(ct);
        if (text is not null) text.FirstUsedAt ??= now;
        var record = Append(head, new ConsentRecord
        {
            ContactId = contactId, Purpose = purpose.Code, Channel = input.Channel!, Action = ConsentActions.Grant,
            LegalBasis = input.LegalBasis, Method = input.Evidence.Method!, CapturedAt = capturedAt, RecordedAt = now,
            Ip = input.Evidence.Ip, UserAgent = input.Evidence.UserAgent, SourceUrl = input.Evidence.SourceUrl,
            TextVersionId = text?.Id, TextHash = text?.Hash, FormVersion = input.Evidence.FormVersion,
            RecordingId = input.Evidence.RecordingId, PaperReference = input.Evidence.PaperReference,
            ExpiresAt = rule.ExpiresAt(capturedAt) is { } x ? Micro(x) : null,
            PrevHash = [], Hash = [],
        });

        var state = await db.ConsentStates.SingleOrDefaultAsync(
            s => s.ContactId == contactId && s.Purpose == record.Purpose && s.Channel == record.Channel, ct);
        if (state is null)
        {
            state = new ConsentState { ContactId = contactId, Purpose = record.Purpose, Channel = record.Channel, Status = ConsentStatus.Active };
            db.ConsentStates.Add(state);
        }

        state.Status = ConsentStatus.Active;
        state.GrantedAt = capturedAt;
        state.WithdrawnAt = null;
        state.ExpiresAt = record.ExpiresAt;
        state.LegalBasis = record.LegalBasis;
        state.LastRecordId = record.Id;
        await CommitAsync(head, tx, ct);
        return new GrantResult(record, e);
    }

    /// <summary>Withdraws every active consent of the contact matching purpose and channel (null = all).</summary>
    public async Task<WithdrawResult> WithdrawAsync(Guid contactId, string? purpose, string? channel, ConsentEvidence evidence,
        CancellationToken ct = default)
    {
        var now = Micro(clock.GetUtcNow());
        var e = new ConsentEvidenceValidator(now, "method").Check(evidence);
        if (purpose is not null && (ControlCharacters.AreIn(purpose) || await purposes.FindAsync(purpose, ct) is null))
            e.Add("purpose", ConsentInputRules.UnknownPurpose(purpose));
        if (channel is not null && !ConsentTerms.Channels.Contains(channel))
            e.Add("channel", "Channel must be one of: " + string.Join(", ", ConsentTerms.Channels) + ".");
        if (!e.IsValid) return new WithdrawResult(0, e);
        var capturedAt = Micro(evidence.CapturedAt ?? now);

        // Joins the caller's transaction when there is one (an inbound STOP commits its inbox row, the withdrawal and the
        // confirmation together, so a provider's retry after a crash is processed again rather than lost).
        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var head = await LockHeadAsync(ct);
        var states = await db.ConsentStates
            .Where(s => s.ContactId == contactId && s.Status == ConsentStatus.Active
                && (purpose == null || s.Purpose == purpose) && (channel == null || s.Channel == channel))
            .OrderBy(s => s.Purpose).ThenBy(s => s.Channel)
            .ToListAsync(ct);
        foreach (var state in states)
        {
            var record = Append(head, new ConsentRecord
            {
                ContactId = contactId, Purpose = state.Purpose, Channel = state.Channel, Action = ConsentActions.Withdraw,
                LegalBasis = state.LegalBasis, Method = evidence.Method!, CapturedAt = capturedAt, RecordedAt = now,
                Ip = evidence.Ip, UserAgent = evidence.UserAgent, SourceUrl = evidence.SourceUrl, FormVersion = evidence.FormVersion,
                RecordingId = evidence.RecordingId, PaperReference = evidence.PaperReference, PrevHash = [], Hash = [],
            });
            state.Status = ConsentStatus.Withdrawn;
            state.WithdrawnAt = capturedAt;
            state.LastRecordId = record.Id;
        }

        await CommitAsync(head, tx, ct);
        return new WithdrawResult(states.Count, e);
    }

    public async Task<IReadOnlyList<ConsentRecord>> HistoryAsync(Guid contactId, CancellationToken ct = default) =>
        await db.ConsentRecords.AsNoTracking().Where(r => r.ContactId == contactId).OrderBy(r => r.Seq).ToListAsync(ct);

    /// <summary>The records of these contacts (all of their history), in sequence order.</summary>
    public async Task<IReadOnlyList<ConsentRecord>> HistoryAsync(IReadOnlyCollection<Guid> contactIds, CancellationToken ct = default) =>
        await db.ConsentRecords.AsNoTracking().Where(r => contactIds.Contains(r.ContactId)).OrderBy(r => r.Seq).ToListAsync(ct);

    /// <summary>Up to <paramref name="maxContacts"/> + 1 distinct contacts with a record captured in [from, to).</summary>
    public async Task<IReadOnlyList<Guid>> ContactsWithRecordsAsync(DateTimeOffset from, DateTimeOffset to, int maxContacts,
        CancellationToken ct = default) =>
        await db.ConsentRecords.AsNoTracking().Where(r => r.CapturedAt >= from && r.CapturedAt < to)
            .Select(r => r.ContactId).Distinct().OrderBy(id => id).Take(maxContacts + 1).ToListAsync(ct);

    /// <summary>The records captured in [from, to) of these contacts, in sequence order.</summary>
    public async Task<IReadOnlyList<ConsentRecord>> RecordsInRangeAsync(IReadOnlyCollection<Guid> contactIds, DateTimeOffset from,
        DateTimeOffset to, CancellationToken ct = default) =>
        await db.ConsentRecords.AsNoTracking()
            .Where(r => contactIds.Contains(r.ContactId) && r.CapturedAt >= from && r.CapturedAt < to).OrderBy(r => r.Seq).ToListAsync(ct);

    public async Task<IReadOnlyList<ConsentState>> StatesAsync(Guid contactId, CancellationToken ct = default) =>
        await db.ConsentStates.AsNoTracking().Where(s => s.ContactId == contactId).OrderBy(s => s.Purpose).ThenBy(s => s.Channel)
            .ToListAsync(ct);

    /// <summary>Records read per round trip by <see cref="VerifyChainAsync"/>; memory stays flat whatever the ledger's size.</summary>
    public const int VerifyChunkSize = 5000;

    /// <summary>
    /// Recomputes the chain in sequence order, in keyset chunks of <see cref="VerifyChunkSize"/> records (never the whole
    /// ledger in memory). The head is read first and the walk stops at its sequence, so appends made meanwhile do not
    /// disturb the answer; a head that disagrees with the last record (newest records removed) is caught too.
    /// </summary>
    /// <remarks>
    /// Starts from the latest checkpoint (<see cref="ConsentChainCheckpoint"/>) when the record there still carries the
    /// checkpoint's hash, so a page or a proof costs what was appended since; otherwise from the genesis.
    /// </remarks>
    public async Task<ChainVerification> VerifyChainAsync(CancellationToken ct = default) =>
        (await WalkAsync(VerifyChunkSize, await UsableCheckpointAsync(ct), ct)).Result;

    /// <summary>The whole chain from the genesis, whatever the checkpoints say (the compliance officer's full re-verification).</summary>
    public async Task<ChainVerification> VerifyWholeChainAsync(CancellationToken ct = default) => (await WalkAsync(VerifyChunkSize, null, ct)).Result;

    /// <summary>The whole walk with a chosen chunk size (tests use tiny chunks to cross chunk borders).</summary>
    public async Task<ChainVerification> VerifyChainAsync(int chunkSize, CancellationToken ct) => (await WalkAsync(chunkSize, null, ct)).Result;

    /// <summary>
    /// The <c>consent-chain-checkpoint</c> job's step: verifies from the latest checkpoint to the head and, when the chain
    /// is intact and has grown, records the head it reached. Returns the new checkpoint, or null (broken, or nothing new).
    /// </summary>
    public async Task<ConsentChainCheckpoint?> CheckpointAsync(CancellationToken ct = default)
    {
        var from = await UsableCheckpointAsync(ct);
        var walk = await WalkAsync(VerifyChunkSize, from, ct);
        if (!walk.Result.Valid || walk.ReachedSeq == (from?.Seq ?? 0)) return null;
        var checkpoint = new ConsentChainCheckpoint { Seq = walk.ReachedSeq, Hash = walk.ReachedHash, Records = walk.Result.Records, VerifiedAt = clock.GetUtcNow() };
        db.ConsentChainCheckpoints.Add(checkpoint);
        await db.SaveChangesAsync(ct);
        return checkpoint;
    }

    private async Task<ConsentChainCheckpoint?> UsableCheckpointAsync(CancellationToken ct)
    {
        var checkpoint = await db.ConsentChainCheckpoints.AsNoTracking().OrderByDescending(c => c.Seq).FirstOrDefaultAsync(ct);
        if (checkpoint is null) return null;
        // The record there must still be the one verified; a rewritten one (or a re-chained ledger) means a walk from the genesis.
        var hash = await db.ConsentRecords.AsNoTracking().Where(r => r.Seq == checkpoint.Seq).Select(r => r.Hash).SingleOrDefaultAsync(ct);
        return hash is not null && hash.AsSpan().SequenceEqual(checkpoint.Hash) ? checkpoint : null;
    }

    private async Task<ChainWalk> WalkAsync(int chunkSize, ConsentChainCheckpoint? from, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        var head = await db.ConsentChainHeads.AsNoTracking().SingleOrDefaultAsync(ct);
        var limit = head?.LastSeq ?? long.MaxValue;
        var verifier = from is null ? new ChainVerifier() : new ChainVerifier(from.Seq, from.Hash, from.Records);
        long? broken = null;
        while (broken is null)
        {
            var after = verifier.LastSeq;
            var chunk = await db.ConsentRecords.AsNoTracking()
                .Where(r => r.Seq > after && r.Seq <= limit)
                .OrderBy(r => r.Seq).Take(chunkSize).ToListAsync(ct);
            foreach (var r in chunk)
            {
                if (!verifier.Accept(r.Fields(), r.PrevHash, r.Hash))
                {
                    broken = r.Seq;
                    break;
                }
            }

            if (chunk.Count < chunkSize) break;
        }

        if (broken is null && head is not null)
        {
            if (head.LastSeq != verifier.LastSeq || !head.LastHash.AsSpan().SequenceEqual(verifier.LastHash))
                broken = verifier.LastSeq + 1;
            else
            {
                // Records past the head we read are fine only if the head has moved on by as many (appends meanwhile).
                var beyond = await db.ConsentRecords.LongCountAsync(r => r.Seq > limit, ct);
                var headNow = beyond == 0 ? limit : await db.ConsentChainHeads.AsNoTracking().Select(h => h.LastSeq).SingleAsync(ct);
                if (beyond > headNow - limit) broken = limit + 1;
            }
        }

        var total = broken is null ? verifier.Count : await db.ConsentRecords.LongCountAsync(ct);
        return new ChainWalk(new ChainVerification(broken is null, broken, total, from?.VerifiedAt), verifier.LastSeq, verifier.LastHash);
    }

    /// <summary>A verification and where it ended (the checkpoint job records that point).</summary>
    private sealed record ChainWalk(ChainVerification Result, long ReachedSeq, byte[] ReachedHash);

    private static string SourceOf(string method) => method switch
    {
        "web_form" or "sms_code" or "link" or "web_link" => ContactSources.Website,
        "voice_recording" => ContactSources.Call,
        "paper" => ContactSources.OfflineEvent,
        "staff" => ContactSources.Manual,
        _ => ContactSources.Api,
    };

    private async Task<ConsentChainHead> LockHeadAsync(CancellationToken ct)
    {
        var tenantId = db.Tenant.RequireTenant();
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO consent_chain_heads (tenant_id, last_seq, last_hash) VALUES ({tenantId}, 0, {ConsentChain.Genesis})
            ON CONFLICT (tenant_id) DO NOTHING
            """, ct);
        return await db.ConsentChainHeads
            .FromSqlInterpolated($"SELECT * FROM consent_chain_heads WHERE tenant_id = {tenantId} FOR UPDATE")
            .SingleAsync(ct);
    }

    private ConsentRecord Append(ConsentChainHead head, ConsentRecord record)
    {
        record.Seq = head.LastSeq + 1;
        record.PrevHash = head.LastHash;
        record.SealEvidence();
        record.Hash = ConsentChain.Hash(record.PrevHash, record.Fields());
        head.LastSeq = record.Seq;
        head.LastHash = record.Hash;
        db.ConsentRecords.Add(record);
        return record;
    }

    /// <param name="tx">Null when the caller's transaction was joined: the caller commits.</param>
    private async Task CommitAsync(ConsentChainHead head, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? tx, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            if (tx is not null) await tx.CommitAsync(ct);
        }
        finally
        {
            // Never reuse a cached head: the next append must read the locked row afresh.
            db.Entry(head).State = EntityState.Detached;
        }
    }

    /// <summary>PostgreSQL keeps microseconds; storing exactly that keeps hashes identical after a round trip.</summary>
    private static DateTimeOffset Micro(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero);
}
