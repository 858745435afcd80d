using PhoneCrm.Domain.Consent;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Contacts;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>The wire shapes of consent history and proof (times in UTC, <c>Z</c>).</summary>
public static class ConsentProof
{
    public sealed record Evidence(string Method, DateTime CapturedAt, DateTime RecordedAt, string? Ip, string? UserAgent, string? SourceUrl,
        Guid? TextVersionId, string? TextHash, string? FormVersion, string? RecordingId, string? PaperReference);

    public sealed record Item(Guid Id, long Seq, string Action, string Purpose, string Channel, string? LegalBasis, string Status,
        DateTime? GrantedAt, DateTime? WithdrawnAt, DateTime? ExpiresAt, Evidence Evidence, string Hash)
    {
        public static Item From(ConsentHistoryItem h)
        {
            var r = h.Record;
            return new Item(r.Id, r.Seq, r.Action, r.Purpose, r.Channel, r.LegalBasis, h.Status, h.GrantedAt?.UtcDateTime,
                h.WithdrawnAt?.UtcDateTime, h.ExpiresAt?.UtcDateTime,
                new Evidence(r.Method, r.CapturedAt.UtcDateTime, r.RecordedAt.UtcDateTime, r.Ip, r.UserAgent, r.SourceUrl, r.TextVersionId,
                    r.TextHash, r.FormVersion, r.RecordingId, r.PaperReference),
                Convert.ToHexString(r.Hash).ToLowerInvariant());
        }
    }

    public sealed record HistoryList(IReadOnlyList<Item> Items);

    public sealed record TextVersion(Guid Id, IReadOnlyList<string> Purposes, string OperatorName, string OperatorAddress,
        string PurposesText, string DataList, string ActionsAndMethods, string Term, string Withdrawal, string Body, string Hash,
        bool HashMatches, DateTime CreatedAt);

    public sealed record Proof(Guid ContactId, string Phone, DateTime GeneratedAt, IReadOnlyList<Item> Consents,
        IReadOnlyList<TextVersion> TextVersions, bool ChainValid, long? FirstBrokenSeq, long ChainRecords);

    /// <summary>Several contacts' proofs under one chain verification (a list of contacts or a time range).</summary>
    /// <remarks>
    /// <see cref="NotFound"/> and <see cref="NotPhones"/> name the listed lines that gave no contact, so the document says what
    /// it does not cover instead of silently leaving it out.
    /// </remarks>
    public sealed record BulkProof(DateTime GeneratedAt, string Selection, IReadOnlyList<Proof> Contacts, bool ChainValid, long? FirstBrokenSeq,
        long ChainRecords)
    {
        public IReadOnlyList<string> NotFound { get; init; } = [];
        public IReadOnlyList<string> NotPhones { get; init; } = [];
    }

    /// <summary>At most this many contacts per bulk export; narrow the range or split the list beyond it.</summary>
    public const int BulkMaxContacts = 1000;

    public static async Task<Proof> BuildAsync(ContactView contact, ConsentLedger ledger, ConsentTexts texts, DateTimeOffset now,
        CancellationToken ct)
    {
        var records = await ledger.HistoryAsync(contact.Id, ct);
        var versions = await VersionsAsync(records, texts, ct);
        var chain = await ledger.VerifyChainAsync(ct);
        return Assemble(contact, records, versions, chain, now);
    }

    /// <summary>One verification of the chain, two queries for records and texts, whatever the number of contacts.</summary>
    public static async Task<BulkProof> BuildBulkAsync(IReadOnlyList<ContactView> contacts, IReadOnlyList<ConsentRecord> records,
        string selection, ConsentLedger ledger, ConsentTexts texts, DateTimeOffset now, CancellationToken ct)
    {
        var versions = await VersionsAsync(records, texts, ct);
        var chain = await ledger.VerifyChainAsync(ct);
        var byContact = records.ToLookup(r => r.ContactId);
        var proofs = contacts.Select(c => Assemble(c, byContact[c.Id].ToList(), versions, chain, now)).ToList();
        return new BulkProof(now.UtcDateTime, selection, proofs, chain.Valid, chain.FirstBrokenSeq, chain.Records);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name",
        Justification = "A bulk proof of a single contact; the word, not the type.")]
    public static BulkProof Single(Proof proof, string selection) =>
        new(proof.GeneratedAt, selection, [proof], proof.ChainValid, proof.FirstBrokenSeq, proof.ChainRecords);

    private static async Task<Dictionary<Guid, ConsentTextVersion>> VersionsAsync(IReadOnlyList<ConsentRecord> records, ConsentTexts texts,
        CancellationToken ct) =>
        (await texts.GetManyAsync(records.Where(r => r.TextVersionId is not null).Select(r => r.TextVersionId!.Value), ct)).ToDictionary(v => v.Id);

    private static Proof Assemble(ContactView contact, IReadOnlyList<ConsentRecord> records, Dictionary<Guid, ConsentTextVersion> versions,
        ChainVerification chain, DateTimeOffset now)
    {
        var used = records.Where(r => r.TextVersionId is not null).Select(r => r.TextVersionId!.Value).Distinct()
            .Where(versions.ContainsKey).Select(id => versions[id]).OrderBy(v => v.CreatedAt);
        return new Proof(contact.Id, contact.Phone, now.UtcDateTime, ConsentHistoryItem.From(records, now).Select(Item.From).ToList(),
            used.Select(v => new TextVersion(v.Id, v.PurposeCodes, v.OperatorName, v.OperatorAddress, v.Purposes, v.DataList,
                v.ActionsAndMethods, v.Term, v.Withdrawal, v.Body, v.Hash, v.Content().Hash() == v.Hash, v.CreatedAt.UtcDateTime)).ToList(),
            chain.Valid, chain.FirstBrokenSeq, chain.Records);
    }
}
