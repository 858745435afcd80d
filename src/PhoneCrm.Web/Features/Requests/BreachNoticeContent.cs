using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.Web.Hosting;
using PhoneCrm.Web.Hosting.Pdf;

namespace PhoneCrm.Web.Features.Requests;

/// <summary>
/// What a notice to Roskomnadzor says (152-FZ Art. 21 p.3.1), once for both the print page and the PDF: the 24-hour
/// notice names the incident, its presumed causes and harm, the data, the measures and the contact person; the 72-hour
/// notice the investigation's results and who caused it.
/// </summary>
public sealed class BreachNoticeContent(TenantClock clock, IConfiguration config, IStringLocalizer<SharedResource> t)
{
    public sealed record Field(string Id, string Label, string Value);

    public string Addressee => t["To the Federal Service for Supervision of Communications, Information Technology and Mass Media (Roskomnadzor)"];

    public string Title(BreachNotice notice) => notice == BreachNotice.Initial
        ? t["Notice of an unlawful or accidental transfer of personal data that violated the rights of data subjects"]
        : t["Notice of the results of the internal investigation of a personal-data incident"];

    public string Prepared(BreachNoticeDraft draft) => $"{draft.Incident.Number} · {PreparedAt(draft)}";

    public string PreparedAt(BreachNoticeDraft draft) => t["prepared {0}", clock.FormatStamp(draft.PreparedAt)];

    public IReadOnlyList<Field> Fields(BreachNoticeDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var i = draft.Incident;
        var fields = new List<Field>
        {
            new("operator", t["Operator"], draft.Operator.Name),
            new("address", t["Operator address"], draft.Operator.Address),
            new("detected", t["Incident detected"], clock.FormatStamp(i.DetectedAt)),
        };
        if (draft.Notice == BreachNotice.Initial)
        {
            fields.Add(new("occurred", t["Incident happened"], i.OccurredAt is { } o ? clock.FormatStamp(o) : t["not established"]));
            fields.Add(new("description", t["What happened"], i.Description));
            fields.Add(new("cause", t["Presumed cause"], Or(i.PresumedCause)));
            fields.Add(new("harm", t["Presumed harm to the subjects"], Or(i.Harm)));
            fields.Add(new("categories", t["Categories of data affected"], string.Join(", ", i.Categories.Select(c => t.Code("dataCategory", c)))));
        }
        else
        {
            fields.Add(new("initial-sent", t["Initial notice sent"], i.InitialNoticeSentAt is { } s ? clock.FormatStamp(s) : t["not yet sent"]));
            fields.Add(new("description", t["What happened"], i.Description));
            fields.Add(new("results", t["Results of the internal investigation"], Or(i.InvestigationResults)));
            fields.Add(new("culprits", t["Persons whose actions caused it (if found)"], Or(i.Culprits)));
        }

        fields.Add(new("subjects", t["Number of subjects affected"], i.SubjectsAffected.ToString(System.Globalization.CultureInfo.CurrentCulture)));
        fields.Add(new("measures", t["Measures taken"], i.Measures));
        fields.Add(new("contact", t["Person authorised to deal with Roskomnadzor"], i.ContactPerson));
        return fields;
    }

    /// <summary>The same notice as an A4 PDF, ready to sign and attach.</summary>
    public byte[] Pdf(BreachNoticeDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var title = Title(draft.Notice);
        using var w = PdfPageWriter.Open(config, $"{title} — {draft.Incident.Number}");
        w.Text(Addressee, w.Body);
        w.Gap(8);
        w.Text(title, w.Heading);
        w.Text(Prepared(draft), w.Small);
        w.Gap(6);
        foreach (var f in Fields(draft))
        {
            w.Text(f.Label, w.Bold);
            w.Text(f.Value, w.Body);
            w.Gap(4);
        }

        w.Gap(24);
        w.Text($"{draft.Incident.ContactPerson}    ______________________    {t["Date"]}: ____________", w.Body);
        return w.ToBytes();
    }

    private string Or(string? text) => string.IsNullOrWhiteSpace(text) ? t["not established"] : text;
}
