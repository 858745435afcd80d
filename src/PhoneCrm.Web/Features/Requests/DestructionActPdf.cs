using Microsoft.Extensions.Localization;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.Web.Hosting;
using PhoneCrm.Web.Hosting.Api;
using PhoneCrm.Web.Hosting.Pdf;

namespace PhoneCrm.Web.Features.Requests;

/// <summary>The printable act of destruction (Order No. 179): every field of the act and its event-log extract, A4.</summary>
public sealed class DestructionActPdf(IConfiguration config, TenantClock clock, IStringLocalizer<SharedResource> t)
{
    public async Task<byte[]> RenderAsync(DestructionActView act, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(act);
        await clock.LoadAsync(ct);
        using var w = PdfPageWriter.Open(config, $"{t["Act of destruction of personal data"]} {act.Number}");
        w.Text($"{t["Act of destruction of personal data"]} № {act.Number}", w.Title);
        w.Text(t["Prepared under Roskomnadzor Order No. 179 of 28.10.2022"], w.Small);
        w.Gap(8);
        Field(w, t["Operator"], act.OperatorName);
        Field(w, t["Operator address"], act.OperatorAddress);
        Field(w, t["Subject of personal data"], act.SubjectFullName ?? t["(no name was held)"]);
        Field(w, t["Categories of personal data destroyed"], string.Join(", ", act.Categories.Select(c => t.Code("destroyedCategory", c))));
        Field(w, t["Information system"], act.InformationSystem);
        Field(w, t["Reason"], t.Code("destructionReason", act.Reason));
        if (act.RequestId is { } request) Field(w, t["Request"], request.ToString());
        Field(w, t["Method of destruction"], act.Method);
        Field(w, t["Destroyed at"], clock.FormatStamp(act.DestroyedAt));
        Field(w, t["Destroyed by"], act.DestroyedBy);
        w.Gap(10);
        w.Rule();
        w.Text(t["Extract from the event log"], w.Heading);
        foreach (var line in act.LogExtract)
            w.Text($"{clock.FormatStamp(line.At)} · {line.Action} · {line.Details}", w.Mono);
        w.Gap(24);
        w.Text($"{t["Signature of the person responsible"]}: ______________________", w.Body);
        return w.ToBytes();
    }

    private static void Field(PdfPageWriter w, string label, string value)
    {
        w.Text(label, w.Bold);
        w.Text(value, w.Body);
        w.Gap(3);
    }
}
