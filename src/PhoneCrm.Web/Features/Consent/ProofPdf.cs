using System.Globalization;
using Microsoft.Extensions.Localization;
using PhoneCrm.Web.Hosting;
using PhoneCrm.Web.Hosting.Api;
using PhoneCrm.Web.Hosting.Pdf;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>The printable proof of consent as PDF (A4): the same content as the HTML document, laid out line by line.</summary>
public sealed class ProofPdf(IConfiguration config, TenantClock clock, IStringLocalizer<SharedResource> t)
{
    public byte[] Render(ConsentProof.BulkProof proof)
    {
        using var w = PdfPageWriter.Open(config, t["Proof of consent"]);
        w.Text(t["Proof of consent"], w.Title);
        w.Text($"{t["Generated"]}: {Time(proof.GeneratedAt)} · {proof.Selection}", w.Small);
        w.Text(proof.ChainValid
            ? $"{t["Chain verification"]}: {t["The chain is intact"]} ({string.Format(CultureInfo.CurrentCulture, t["{0} records verified just now."], proof.ChainRecords)})"
            : $"{t["Chain verification"]}: {string.Format(CultureInfo.CurrentCulture, t["Broken from record {0}"], proof.FirstBrokenSeq)}", w.Bold);
        if (proof.NotFound.Count > 0) w.Text($"{t["No contact with these numbers"]}: {string.Join(", ", proof.NotFound)}", w.Body);
        if (proof.NotPhones.Count > 0) w.Text($"{t["Not phone numbers"]}: {string.Join(", ", proof.NotPhones)}", w.Body);
        foreach (var contact in proof.Contacts)
        {
            w.Gap(10);
            w.Rule();
            w.Text($"{t["Contact"]} {contact.Phone}", w.Heading);
            w.Text($"ID {contact.ContactId}", w.Small);
            if (contact.Consents.Count == 0) w.Text(t["No consents recorded for this contact."], w.Body);
            foreach (var i in contact.Consents)
            {
                w.Gap(4);
                w.Text($"#{i.Seq} · {t.Code("consentAction", i.Action)} · {t.Code("purpose", i.Purpose)} · {t.Code("channel", i.Channel)} · "
                    + $"{t["Legal basis"]}: {t.Code("legalBasis", i.LegalBasis)} · {t.Code("consentStatus", i.Status)}", w.Bold);
                var e = i.Evidence;
                w.Text($"{t["Evidence"]}: {t.Code("method", e.Method)} · {t["Captured"]} {Time(e.CapturedAt)} · {t["Recorded"]} {Time(e.RecordedAt)}"
                    + (i.ExpiresAt is { } x ? $" · {t["Expires"]} {Time(x)}" : ""), w.Body);
                EvidenceDetails(w, t, e.Ip, e.UserAgent, e.SourceUrl, e.FormVersion, e.RecordingId, e.PaperReference);
                if (e.TextHash is not null) w.Text($"{t["Consent text"]}: {e.TextVersionId} · SHA-256 {e.TextHash}", w.Mono);
                w.Text($"{t["Record hash"]}: {i.Hash}", w.Mono);
            }

            foreach (var v in contact.TextVersions)
            {
                w.Gap(8);
                w.Text($"{t["Consent text shown"]} ({v.Id})", w.Heading);
                w.Text($"SHA-256 {v.Hash} · {(v.HashMatches ? t["hash matches the text"] : t["HASH DOES NOT MATCH THE TEXT"])}", w.Mono);
                w.Text($"{t["Operator name"]}: {v.OperatorName}", w.Body);
                w.Text($"{t["Operator address"]}: {v.OperatorAddress}", w.Body);
                w.Text($"{t["Purposes of processing"]}: {v.PurposesText}", w.Body);
                w.Text($"{t["List of personal data"]}: {v.DataList}", w.Body);
                w.Text($"{t["Actions and methods of processing"]}: {v.ActionsAndMethods}", w.Body);
                w.Text($"{t["Term of validity"]}: {v.Term}", w.Body);
                w.Text($"{t["How to withdraw"]}: {v.Withdrawal}", w.Body);
                w.Text(v.Body, w.Body);
            }
        }

        return w.ToBytes();
    }

    /// <summary>The evidence's optional details, one a line, as every consent document prints them.</summary>
    internal static void EvidenceDetails(PdfPageWriter w, IStringLocalizer t, string? ip, string? userAgent, string? sourceUrl, string? formVersion,
        string? recordingId, string? paperReference)
    {
        if (ip is not null) w.Text($"IP: {ip}", w.Body);
        if (userAgent is not null) w.Text($"User-Agent: {userAgent}", w.Body);
        if (sourceUrl is not null) w.Text($"{t["Page"]}: {sourceUrl}", w.Body);
        if (formVersion is not null) w.Text($"{t["Form"]}: {formVersion}", w.Body);
        if (recordingId is not null) w.Text($"{t["Recording"]}: {recordingId}", w.Body);
        if (paperReference is not null) w.Text($"{t["Paper"]}: {paperReference}", w.Body);
    }

    private string Time(DateTime utc) => clock.FormatStamp(new DateTimeOffset(utc, TimeSpan.Zero));
}
