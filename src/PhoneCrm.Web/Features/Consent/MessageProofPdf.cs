using System.Globalization;
using Microsoft.Extensions.Localization;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Web.Hosting;
using PhoneCrm.Web.Hosting.Pdf;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>The consent behind messages as PDF: for each message, what allowed it — the ledger record with its evidence.</summary>
public sealed class MessageProofPdf(IConfiguration config, TenantClock clock, IStringLocalizer<SharedResource> t)
{
    public byte[] Render(string heading, DateTimeOffset generatedAt, bool chainValid, IReadOnlyList<MessageConsentProof> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var document = Begin(heading, generatedAt, chainValid, messages.Count);
        foreach (var m in messages) document.Add(m);
        return document.ToBytes();
    }

    /// <summary>A document to which messages are added as they stream in (a campaign's bulk proof).</summary>
    public Document Begin(string heading, DateTimeOffset generatedAt, bool chainValid, int count)
    {
        var w = PdfPageWriter.Open(config, t["Consent behind messages"]);
        w.Text(t["Consent behind messages"], w.Title);
        w.Text($"{heading} · {t["Generated"]}: {clock.FormatStamp(generatedAt)}", w.Small);
        w.Text($"{t["Chain verification"]}: {(chainValid ? t["The chain is intact"] : t["The chain is broken"])}", w.Bold);
        w.Text(string.Format(CultureInfo.CurrentCulture, t["{0} messages"], count), w.Body);
        return new Document(w, clock, t);
    }

    public sealed class Document(PdfPageWriter w, TenantClock clock, IStringLocalizer t) : IDisposable
    {
        public void Add(MessageConsentProof m)
        {
            ArgumentNullException.ThrowIfNull(m);
            w.Gap(6);
            w.Rule();
            w.Text($"{t["Message"]} {m.MessageId}", w.Heading);
            w.Text($"{t["Contact"]}: {m.ContactId} · {t.Code("smsKind", m.Kind)} · {t.Code("purpose", m.Purpose)} · {t.Code("channel", m.Channel)}"
                + (m.SentAt is { } sent ? $" · {t["Sent"]} {clock.FormatStamp(sent)}" : ""), w.Body);
            w.Text($"{t["Basis"]}: {t.Code("messageBasis", m.Basis)}", w.Bold);
            if (m.Record is not { } r) return;
            var e = r.Evidence;
            w.Text($"{t["Ledger record"]} {r.Id} · {t["Legal basis"]}: {t.Code("legalBasis", r.LegalBasis)} · {t["Granted"]} {clock.FormatStamp(r.GrantedAt)}", w.Body);
            w.Text($"{t["Evidence"]}: {t.Code("method", e.Method)} · {t["Captured"]} {clock.FormatStamp(e.CapturedAt)} · {t["Recorded"]} {clock.FormatStamp(e.RecordedAt)}", w.Body);
            ProofPdf.EvidenceDetails(w, t, e.Ip, e.UserAgent, e.SourceUrl, e.FormVersion, e.RecordingId, e.PaperReference);
            if (r.TextVersion is { } v) w.Text($"{t["Consent text"]}: {v.Id} · SHA-256 {v.Sha256}", w.Mono);
        }

        public byte[] ToBytes() => w.ToBytes();

        public void Dispose() => w.Dispose();
    }
}
