using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Domain.Events;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Imports;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Requests;

/// <summary>
/// Erasure of one person (PRODUCT.md §2.7, api-v1 "Data-subject requests"): in one transaction every table loses the
/// person's values — deleted where the row is only about them, irreversibly anonymised where the row must stay (the
/// contact shell that the ledger cites, messages counted in campaign costs, audit entries, consent records) — the
/// number leaves a tenant-keyed tombstone that the send policy and imports honour forever, and an act of destruction
/// (Order No. 179) records what was destroyed with the extract of the event log. See docs/erasure.md.
/// </summary>
public sealed class ContactErasure(
    PhoneCrmDbContext db, PiiProtector pii, BlindIndex index, AuditLog audit, AuditActor actor, DestructionActs acts,
    ErasureTombstones tombstones, TimeProvider clock)
{
    /// <summary>How the data is destroyed, as the act states it.</summary>
    public const string Method =
        "Удаление записей и необратимое обезличивание в базе данных информационной системы (перезапись шифротекстов и индексов, " +
        "удаление ключевых данных доказательств согласия); номер телефона заменён ключевым хешем запрета рассылок";

    /// <summary>Audit action prefix of every line an erasure writes (the act's event-log extract is these lines).</summary>
    public const string AuditPrefix = "erasure.";

    /// <summary>
    /// Erases the contact everywhere and returns the id of the act of destruction. Joins the caller's transaction when
    /// there is one (a request's status changes with the erasure), else runs in its own. Erasing an erased contact again
    /// answers the act made the first time.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No such contact in this tenant.</exception>
    public async Task<Guid> EraseAsync(Guid contactId, DestructionReason reason, Guid? requestId, CancellationToken ct = default)
    {
        if (await acts.ForContactAsync(contactId, ct) is { } existing) return existing;
        var contact = await db.Contacts.SingleOrDefaultAsync(c => c.Id == contactId, ct)
            ?? throw new KeyNotFoundException($"No contact {contactId} in this tenant.");

        var e164 = pii.Decrypt(contact.PhoneCipher, contact.TenantId, ContactService.PhoneContext) ?? "";
        var first = pii.Decrypt(contact.FirstNameCipher, contact.TenantId, ContactService.FirstNameContext);
        var last = pii.Decrypt(contact.LastNameCipher, contact.TenantId, ContactService.LastNameContext);
        var email = pii.Decrypt(contact.EmailCipher, contact.TenantId, ContactService.EmailContext);
        var fullName = string.Join(' ', new[] { last, first }.Where(s => !string.IsNullOrWhiteSpace(s)));
        var person = new PersonValues(e164, first, last, email);

        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var run = await StartAsync(contact.Id, contact.PhoneIndex, contact.Id.ToString(), "contact", ct);
        var categories = new List<string> { DestroyedCategories.Phone };
        if (first is not null || last is not null) categories.Add(DestroyedCategories.Name);
        if (email is not null) categories.Add(DestroyedCategories.Email);
        if (contact.Attributes is not ("{}" or "") || contact.Tags.Count > 0 || contact.City is not null || contact.BirthDate is not null)
            categories.Add(DestroyedCategories.Attributes);

        await tombstones.AddAsync(contact.PhoneIndex, ct);
        await run.StepAsync("tombstone", "number replaced by its tenant-keyed tombstone", 1, ct);

        var notes = await run.ExecAsync("DELETE FROM contact_notes WHERE tenant_id = @t AND contact_id = @c", ct);
        if (notes > 0) categories.Add(DestroyedCategories.Notes);
        await run.StepAsync("notes", "contact_notes deleted", notes, ct);

        // Survey answers are the person's own words and opinions: the follow-ups, answers and queue items go.
        await run.ExecAsync("DELETE FROM survey_quality_items WHERE tenant_id = @t AND contact_id = @c", ct);
        var surveyAnswers = await run.ExecAsync("DELETE FROM survey_responses WHERE tenant_id = @t AND contact_id = @c", ct);
        await run.ExecAsync("DELETE FROM survey_calls WHERE tenant_id = @t AND contact_id = @c", ct);
        await run.StepAsync("survey_responses", "survey answers, calls and follow-ups deleted", surveyAnswers, ct);

        var runs = await run.ExecAsync("DELETE FROM automation_runs WHERE tenant_id = @t AND contact_id = @c", ct);
        await run.StepAsync("automation_runs", "automation_runs deleted", runs, ct);
        await run.ExecAsync("DELETE FROM contact_categories WHERE tenant_id = @t AND contact_id = @c", ct);
        var events = await run.ExecAsync("DELETE FROM contact_events WHERE tenant_id = @t AND contact_id = @c", ct);
        if (events > 0) categories.Add(DestroyedCategories.Events);
        await run.StepAsync("events", "contact_events deleted (with their data)", events, ct);

        var messages = await EraseMessagesAsync(run, ct);
        if (messages > 0) categories.Add(DestroyedCategories.Messages);

        var changes = await run.ExecAsync("""
            DELETE FROM sms_number_changes
            WHERE tenant_id = @t AND (contact_id = @c OR old_phone_index = @pi OR new_phone_index = @pi)
            """, ct);
        await run.StepAsync("number_changes", "sms_number_changes deleted", changes, ct);
        var suppressions = await run.ExecAsync("DELETE FROM suppressions WHERE tenant_id = @t AND phone_index = @pi", ct);
        await run.StepAsync("suppressions", "suppressions by phone index replaced by the tombstone", suppressions, ct);

        var ips = await EvidenceIpsAsync(contact.Id, ct);
        var challenges = await DeleteChallengesAsync(person, ct);
        await run.StepAsync("consent_code_challenges", "consent_code_challenges deleted", challenges, ct);
        var consents = await EraseConsentEvidenceAsync(run, ct);
        if (consents > 0) categories.Add(DestroyedCategories.Consents);

        var rejections = await DeleteRejectedRowsAsync(person, ct);
        await run.StepAsync("import_rejections", "import_rejections deleted", rejections, ct);
        var files = await run.ExecAsync($"""
            DELETE FROM import_file_chunks f USING imports i
            WHERE f.tenant_id = @t AND i.tenant_id = f.tenant_id AND i.id = f.import_id AND i.status = '{nameof(ImportStatus.Completed)}'
            """, ct);
        await run.StepAsync("import_files", "uploaded files of completed imports deleted", files, ct);

        var audited = await ScrubAuditAsync(person, contact.Id, ips, ct);
        await run.StepAsync("audit_log", "personal values removed from audit entries (the entries stay)", audited, ct);

        var tenantZone = (await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == contact.TenantId, ct)).TimeZone;
        Anonymise(contact, tenantZone);
        await db.SaveChangesAsync(ct);
        await run.StepAsync("contact", "contact anonymised: phone, name, email, attributes, tags, city, birth date, stats; status erased", 1, ct);

        var now = clock.GetUtcNow();
        var act = await acts.CreateAsync(contact.Id, fullName, categories, reason, requestId, Method, actor.Name,
            await run.ExtractAsync(ct), now, ct);
        await audit.WriteAsync(AuditPrefix + "act", "destruction_act", act.Id.ToString(),
            $"number={act.Number};reason={act.Reason};request={requestId}", ct);
        if (tx is not null) await tx.CommitAsync(ct);
        return act.Id;
    }

    /// <summary>
    /// A number with no contact (a request about a number the base does not hold, or whose contact is already gone): the
    /// tombstone, the messages and replies sent to or from it, and an act.
    /// </summary>
    public async Task<Guid> EraseNumberAsync(string e164, string? fullName, DestructionReason reason, Guid? requestId,
        CancellationToken ct = default)
    {
        if (!PhoneParser.TryParse(e164, out var phone)) throw new ArgumentException("Not a phone number in E.164.", nameof(e164));
        var phoneIndex = (await index.ForTenantAsync(db, ct)).Phone(phone.E164);
        if (await db.Contacts.AsNoTracking().Where(c => c.PhoneIndex == phoneIndex).Select(c => (Guid?)c.Id).SingleOrDefaultAsync(ct)
            is { } contactId)
            return await EraseAsync(contactId, reason, requestId, ct);

        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var run = await StartAsync(Guid.Empty, phoneIndex, Guid.CreateVersion7().ToString(), "phone", ct);
        var person = new PersonValues(phone.E164, null, null, null);
        await tombstones.AddAsync(phoneIndex, ct);
        await run.StepAsync("tombstone", "number replaced by its tenant-keyed tombstone", 1, ct);
        var categories = new List<string> { DestroyedCategories.Phone };
        if (await EraseMessagesAsync(run, ct) > 0) categories.Add(DestroyedCategories.Messages);
        await run.StepAsync("suppressions", "suppressions by phone index replaced by the tombstone",
            await run.ExecAsync("DELETE FROM suppressions WHERE tenant_id = @t AND phone_index = @pi", ct), ct);
        await run.StepAsync("consent_code_challenges", "consent_code_challenges deleted", await DeleteChallengesAsync(person, ct), ct);
        await run.StepAsync("import_rejections", "import_rejections deleted", await DeleteRejectedRowsAsync(person, ct), ct);
        await run.StepAsync("audit_log", "personal values removed from audit entries (the entries stay)",
            await ScrubAuditAsync(person, null, [], ct), ct);
        var act = await acts.CreateAsync(null, fullName, categories, reason, requestId, Method, actor.Name, await run.ExtractAsync(ct),
            clock.GetUtcNow(), ct);
        await audit.WriteAsync(AuditPrefix + "act", "destruction_act", act.Id.ToString(),
            $"number={act.Number};reason={act.Reason};request={requestId}", ct);
        if (tx is not null) await tx.CommitAsync(ct);
        return act.Id;
    }

    /// <summary>Outgoing messages (and the simulator's copies) and inbound replies: ciphertexts overwritten, indexes dropped.</summary>
    private async Task<int> EraseMessagesAsync(Run run, CancellationToken ct)
    {
        // Every erased row gets the same ciphertext of an empty value: readers that decrypt still work, nothing is left.
        var tenant = db.Tenant.RequireTenant();
        var p = new[]
        {
            new NpgsqlParameter("sp", pii.Encrypt("", tenant, SmsPii.SimulatorPhone)), new NpgsqlParameter("st", pii.Encrypt("", tenant, SmsPii.SimulatorText)),
            new NpgsqlParameter("mp", pii.Encrypt("", tenant, SmsPii.Phone)), new NpgsqlParameter("mt", pii.Encrypt("", tenant, SmsPii.Text)),
            new NpgsqlParameter("if", pii.Encrypt("", tenant, SmsPii.InboundFrom)), new NpgsqlParameter("it", pii.Encrypt("", tenant, SmsPii.InboundText)),
        };
        // The simulator's copies first: they are found through the messages' phone index, which the next statement replaces.
        var simulated = await run.ExecAsync("""
            UPDATE sms_simulator_messages s SET phone_cipher = @sp, text_cipher = @st, sender = NULL,
              phone_index = decode(md5(random()::text || clock_timestamp()::text), 'hex')
            WHERE s.tenant_id = @t AND (s.phone_index = @pi OR s.message_id IN (
              SELECT m.id FROM sms_messages m WHERE m.tenant_id = @t AND (m.contact_id = @c OR m.phone_index = @pi)))
            """, ct, p);
        // A queued message to the person is never sent: it fails with the reason instead.
        var sent = await run.ExecAsync("""
            UPDATE sms_messages SET phone_cipher = @mp, text_cipher = @mt,
              phone_index = decode(md5(random()::text || clock_timestamp()::text), 'hex'),
              status = CASE WHEN status = 'queued' THEN 'failed' ELSE status END,
              last_error = CASE WHEN status = 'queued' THEN 'erased' ELSE last_error END, next_attempt_at = NULL
            WHERE tenant_id = @t AND (contact_id = @c OR phone_index = @pi)
            """, ct, p);
        await run.StepAsync("sms_messages", "sms_messages: phone and text ciphertexts overwritten, phone index replaced", sent, ct);
        await run.StepAsync("sms_simulator_messages", "simulator copies: phone and text overwritten", simulated, ct);
        var inbound = await run.ExecAsync("""
            UPDATE sms_inbound SET from_cipher = @if, text_cipher = @it, from_index = NULL, dedup_key = NULL
            WHERE tenant_id = @t AND (contact_id = @c OR from_index = @pi)
            """, ct, p);
        await run.StepAsync("sms_inbound", "sms_inbound: sender and text overwritten, indexes dropped", inbound, ct);
        return sent + inbound;
    }

    /// <summary>
    /// The ledger keeps every record (what was consented, when, on which basis and text — what the law requires of it)
    /// and drops the personal evidence; the hash covers the evidence's salted digest, so the chain still verifies.
    /// </summary>
    private async Task<int> EraseConsentEvidenceAsync(Run run, CancellationToken ct)
    {
        // The ledger is append-only for the app: only this owner function may blank the evidence, never change it.
        var records = (await db.Database.SqlQuery<int>($"""
            SELECT consent_erase_evidence({db.Tenant.RequireTenant()}, {run.ContactId}, {clock.GetUtcNow()}) AS "Value"
            """).ToListAsync(ct)).Single();
        var total = await db.ConsentRecords.CountAsync(r => r.ContactId == run.ContactId, ct);
        await run.StepAsync("consent_records", string.Create(CultureInfo.InvariantCulture,
            $"consent_records kept ({total}), personal evidence erased (IP, user agent, page, recording, paper reference)"), records, ct);
        return total;
    }

    private async Task<List<string>> EvidenceIpsAsync(Guid contactId, CancellationToken ct) =>
        await db.ConsentRecords.AsNoTracking().Where(r => r.ContactId == contactId && r.Ip != null).Select(r => r.Ip!).Distinct()
            .ToListAsync(ct);

    /// <summary>Pending and spent double opt-in challenges hold only a ciphertext of the number: each is decrypted and compared.</summary>
    private async Task<int> DeleteChallengesAsync(PersonValues person, CancellationToken ct)
    {
        var challenges = await db.ConsentCodeChallenges.AsNoTracking().Select(c => new { c.Id, c.PhoneCipher }).ToListAsync(ct);
        var ids = challenges.Where(c => pii.Decrypt(c.PhoneCipher, db.Tenant.RequireTenant(), FormSubmissions.PhoneContext) == person.E164).Select(c => c.Id).ToList();
        return ids.Count == 0 ? 0 : await db.ConsentCodeChallenges.Where(c => ids.Contains(c.Id)).ExecuteDeleteAsync(ct);
    }

    /// <summary>Rejected import lines are kept encrypted for the download; those naming the person are deleted.</summary>
    private async Task<int> DeleteRejectedRowsAsync(PersonValues person, CancellationToken ct)
    {
        var rejections = db.Set<ImportRejection>();
        var matches = new List<(Guid ImportId, int Line)>();
        (Guid ImportId, int Line) after = (Guid.Empty, 0);
        while (true)
        {
            var (afterImport, afterLine) = after;
            var page = await rejections.AsNoTracking()
                .Where(r => r.ValueEnc != null && (r.ImportId.CompareTo(afterImport) > 0 || (r.ImportId == afterImport && r.Line > afterLine)))
                .OrderBy(r => r.ImportId).ThenBy(r => r.Line).Take(RejectionPage)
                .Select(r => new { r.ImportId, r.Line, r.ValueEnc }).ToListAsync(ct);
            matches.AddRange(page.Where(r => person.AppearsIn(pii.Decrypt(r.ValueEnc, db.Tenant.RequireTenant(), ImportRun.RejectionContext))).Select(r => (r.ImportId, r.Line)));
            if (page.Count < RejectionPage) break;
            after = (page[^1].ImportId, page[^1].Line);
        }

        var deleted = 0;
        foreach (var (importId, line) in matches)
            deleted += await rejections.Where(r => r.ImportId == importId && r.Line == line).ExecuteDeleteAsync(ct);
        return deleted;
    }

    private const int RejectionPage = 5000;

    /// <summary>
    /// Audit entries stay (who did what, when); their personal values go: the person's number, name or email in the
    /// details, and the address of anonymous actors (the person on a public page) that their consent evidence named.
    /// </summary>
    private async Task<int> ScrubAuditAsync(PersonValues person, Guid? contactId, List<string> ips, CancellationToken ct)
    {
        var changed = 0;
        // A coarse filter in the database (the number's digits with any separators, each name word, the email), then the
        // exact replacement here.
        var entries = await db.AuditLog.FromSqlRaw("SELECT * FROM audit_log WHERE details ~* @pattern",
                new NpgsqlParameter("pattern", person.SqlPattern.Length == 0 ? "x^" : person.SqlPattern))
            .AsNoTracking().Select(a => new { a.Id, a.Details }).ToListAsync(ct);
        foreach (var entry in entries)
        {
            var fragments = person.Fragments(entry.Details!);
            if (fragments.Count == 0) continue;
            changed += await EraseAuditValuesAsync(entry.Id, fragments, eraseIp: false, ct);
        }

        if (contactId is { } id && ips.Count > 0)
        {
            var anonymous = await db.AuditLog.AsNoTracking()
                .Where(a => a.UserId == null && a.Ip != null && ips.Contains(a.Ip) && a.EntityIds != null && a.EntityIds.Contains(id.ToString()))
                .Select(a => a.Id).ToListAsync(ct);
            foreach (var entryId in anonymous) changed += await EraseAuditValuesAsync(entryId, [], eraseIp: true, ct);
        }

        return changed;
    }

    /// <summary>The audit log is append-only for the app: only this owner function may blank values, never write new ones.</summary>
    private async Task<int> EraseAuditValuesAsync(long entryId, IReadOnlyList<string> fragments, bool eraseIp, CancellationToken ct) =>
        (await db.Database.SqlQuery<int>($"""
            SELECT audit_erase_values({db.Tenant.RequireTenant()}, {entryId}, {fragments.ToArray()}, {eraseIp}) AS "Value"
            """).ToListAsync(ct)).Single();

    private void Anonymise(Contact contact, string tenantZone)
    {
        // The row stays because the ledger's records cite it; its number becomes a random index nobody can look up.
        contact.PhoneCipher = pii.Encrypt("", contact.TenantId, ContactService.PhoneContext)!;
        contact.PhoneIndex = System.Security.Cryptography.RandomNumberGenerator.GetBytes(BlindIndex.Size);
        contact.PhoneType = PhoneTypes.Unknown;
        contact.Carrier = null;
        contact.Extension = null;
        contact.FirstNameCipher = null;
        contact.LastNameCipher = null;
        contact.MiddleNameCipher = null;
        contact.OtherPhonesCipher = null;
        contact.EmailCipher = null;
        contact.EmailIndex = null;
        contact.NameTokenIndexes = [];
        contact.PhoneSuffixIndex = null;
        contact.City = null;
        contact.Gender = ContactGender.Unknown;
        contact.BirthDate = null;
        contact.Tags = [];
        contact.SourceDetail = null;
        contact.Attributes = "{}";
        contact.Status = ContactStatus.Erased;
        contact.MarketingFrequency = null;
        contact.TimeZone = tenantZone;
        contact.Stats = new ContactStats();
    }

    private async Task<Run> StartAsync(Guid contactId, byte[] phoneIndex, string subject, string entityType, CancellationToken ct) =>
        new(db, audit, contactId, phoneIndex, subject, entityType, await db.AuditLog.MaxAsync(a => (long?)a.Id, ct) ?? 0);

    /// <summary>The steps of one erasure: statements with the run's parameters, and the audit lines the act extracts.</summary>
    private sealed class Run(PhoneCrmDbContext db, AuditLog audit, Guid contactId, byte[] phoneIndex, string subject, string entityType,
        long auditBefore)
    {
        public Guid ContactId => contactId;

        public Task<int> ExecAsync(string sql, CancellationToken ct, params NpgsqlParameter[] extra)
        {
            var ps = new List<object>
            {
                new NpgsqlParameter("t", db.Tenant.RequireTenant()), new NpgsqlParameter("c", contactId), new NpgsqlParameter("pi", phoneIndex),
            };
            ps.AddRange(extra.Select(p => p.Clone()));
            return db.Database.ExecuteSqlRawAsync(sql, ps, ct);
        }

        /// <summary>One audit line per step (also when nothing was found: the extract shows every place looked at).</summary>
        public Task StepAsync(string step, string what, int rows, CancellationToken ct) =>
            audit.WriteAsync(AuditPrefix + step, entityType, subject, string.Create(CultureInfo.InvariantCulture, $"{what}: {rows}"), ct);

        /// <summary>The event-log extract of the act: this run's audit lines as the audit log holds them.</summary>
        public async Task<List<ActLogLine>> ExtractAsync(CancellationToken ct) =>
            (await db.AuditLog.AsNoTracking()
                .Where(a => a.Id > auditBefore && a.EntityIds == subject && a.Action.StartsWith(AuditPrefix))
                .OrderBy(a => a.Id).Select(a => new { a.At, a.Action, a.Details }).ToListAsync(ct))
            .ConvertAll(a => new ActLogLine(a.At, a.Action, a.Details));
    }
}
