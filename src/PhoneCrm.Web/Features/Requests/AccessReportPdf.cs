using System.Globalization;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Web.Hosting;
using PhoneCrm.Web.Hosting.Pdf;

namespace PhoneCrm.Web.Features.Requests;

/// <summary>The access report as the PDF delivered to the person: the same sections as the page, in the person's language (the UI culture).</summary>
public sealed class AccessReportPdf(IConfiguration config, TenantClock clock, IStringLocalizer<SharedResource> t)
{
    public byte[] Render(AccessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var w = PdfPageWriter.Open(config, t["Personal data we hold about you"]);
        w.Text(t["Personal data we hold about you"], w.Title);
        w.Text($"{t["Generated"]}: {clock.FormatStamp(report.GeneratedAt)}", w.Small);
        if (report.Subject is not { } s)
        {
            w.Gap(8);
            w.Text(t["We hold no personal data about you."], w.Body);
            return w.ToBytes();
        }

        if (report.HeldSince is { } since) w.Text($"{t["Held since"]}: {clock.FormatStamp(since)}", w.Body);
        Section(w, t["Your data"]);
        Line(w, t["Phone"], s.Phone);
        Line(w, t["First name"], s.FirstName);
        Line(w, t["Last name"], s.LastName);
        Line(w, t["Email"], s.Email);
        Line(w, t["City"], s.City);
        Line(w, t["Gender"], t.Code("gender", s.Gender));
        Line(w, t["Birth date"], s.BirthDate?.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture));
        Line(w, t["Tags"], s.Tags.Count == 0 ? null : string.Join(", ", s.Tags));
        Line(w, t["Attributes"], s.Attributes == "{}" ? null : s.Attributes);
        Line(w, t["Categories bought"], s.PurchasedCategories.Count == 0 ? null : string.Join(", ", s.PurchasedCategories));
        Line(w, t["Number type"], $"{t.Code("phoneType", s.PhoneType)} · {s.PhoneRegion}{(s.Carrier is null ? "" : " · " + s.Carrier)}");
        Line(w, t["Time zone"], s.TimeZone);

        Section(w, t["Purposes, legal bases and how long we keep the data"]);
        if (report.Purposes.Count == 0) w.Text(t["None."], w.Body);
        foreach (var p in report.Purposes)
        {
            w.Text($"{PurposeName(p)} · {t.Code("channel", p.Channel)} · {t["Legal basis"]}: {t.Code("legalBasis", p.LegalBasis)} · {t.Code("consentStatus", p.Status)}", w.Bold);
            w.Text($"{t["Since"]} {clock.FormatStamp(p.Since)}"
                + (p.WithdrawnAt is { } wd ? $" · {t["Withdrawn on"]} {clock.FormatStamp(wd)}" : "")
                + (p.ExpiresAt is { } x ? $" · {t["Expires"]} {clock.FormatStamp(x)}" : ""), w.Body);
            w.Text(Retention(p), w.Body);
        }

        Section(w, t["Where the data came from"]);
        foreach (var src in report.Sources)
            w.Text($"{(src.Kind == "contact" ? t.Code("source", src.Channel) : t.Code("method", src.Channel))}{(src.Detail is null ? "" : " · " + src.Detail)} · {t["Since"]} {clock.FormatStamp(src.Since)}", w.Body);

        Section(w, t["Who else received the data"]);
        if (report.Recipients.SmsProviders.Count == 0 && report.Recipients.AdPlatforms.Count == 0) w.Text(t["Nobody."], w.Body);
        foreach (var r in report.Recipients.SmsProviders)
            w.Text($"{t["SMS provider"]} {r.Name}: {string.Format(CultureInfo.CurrentCulture, t["{0} messages, {1} – {2}"], r.Count, clock.FormatStamp(r.FirstAt), clock.FormatStamp(r.LastAt))}", w.Body);
        foreach (var r in report.Recipients.AdPlatforms)
            w.Text($"{t["Advertising platform"]} {r.Name}: {clock.FormatStamp(r.FirstAt)} – {clock.FormatStamp(r.LastAt)}", w.Body);

        Section(w, t["Consents and their evidence"]);
        foreach (var c in report.Consents)
        {
            var e = c.Evidence;
            w.Text($"#{c.Seq} · {t.Code("consentAction", c.Action)} · {t.Code("purpose", c.Purpose)} · {t.Code("channel", c.Channel)} · {t["Legal basis"]}: {t.Code("legalBasis", c.LegalBasis)}", w.Bold);
            w.Text($"{t["Evidence"]}: {t.Code("method", e.Method)} · {t["Captured"]} {clock.FormatStamp(e.CapturedAt)}"
                + (e.Ip is null ? "" : $" · IP {e.Ip}") + (e.SourceUrl is null ? "" : $" · {e.SourceUrl}"), w.Body);
            if (c.TextVersion is { } v) w.Text($"{t["Consent text"]}: {v.Id} · SHA-256 {v.Sha256}", w.Mono);
        }

        Section(w, t["What else we hold"]);
        var n = report.Counts;
        w.Text(string.Format(CultureInfo.CurrentCulture, t["Messages sent to you: {0}; received from you: {1}; events: {2} (orders: {3}); staff notes: {4}."],
            n.MessagesSent, n.MessagesReceived, n.Events, n.Orders, n.Notes), w.Body);
        return w.ToBytes();
    }

    /// <summary>The retention sentence of a purpose, shared with the page.</summary>
    public string Retention(AccessReportPurpose p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return p.RetainedUntil is { } until
            ? string.Format(CultureInfo.CurrentCulture, t["Kept until {0} at the latest, then destroyed."], clock.FormatStamp(until))
            : p.ValidityDays is { } days
                ? string.Format(CultureInfo.CurrentCulture, t["Kept while the consent holds ({0} days from the grant), then destroyed within {1} days."], days, p.DestructionDays)
                : string.Format(CultureInfo.CurrentCulture, t["Kept until the consent is withdrawn or the purpose is achieved, then destroyed within {0} days."], p.DestructionDays);
    }

    /// <summary>A built-in purpose in the reader's language; a tenant's own purpose by the name the Admin gave it.</summary>
    public string PurposeName(AccessReportPurpose p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var translated = t["purpose:" + p.Purpose];
        return translated.ResourceNotFound ? p.Name : translated.Value;
    }

    private static void Section(PdfPageWriter w, string title)
    {
        w.Gap(8);
        w.Rule();
        w.Text(title, w.Heading);
    }

    private static void Line(PdfPageWriter w, string label, string? value)
    {
        if (!string.IsNullOrEmpty(value)) w.Text($"{label}: {value}", w.Body);
    }
}
