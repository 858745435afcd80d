using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Requests;

/// <summary>The compliance officer's access report of one person (from the contact card): the page and the PDF delivered to them.</summary>
[Route("requests/access-report/{contactId:guid}"), RequirePermission(Permission.RequestsManage)]
public sealed class AccessReportController(AccessReports reports, AccessReportPdf pdf) : UiController
{
    [HttpGet("")]
    public async Task<IActionResult> Report(Guid contactId, CancellationToken ct)
    {
        var report = await reports.BuildAsync(contactId, ct);
        return report.Held ? View("Report", report) : NotFound();
    }

    [HttpGet("pdf")]
    public async Task<IActionResult> Pdf(Guid contactId, CancellationToken ct)
    {
        var report = await reports.BuildAsync(contactId, ct);
        if (!report.Held) return NotFound();
        Response.Headers.ContentDisposition = $"inline; filename=\"access-report-{contactId}.pdf\"";
        return File(pdf.Render(report), "application/pdf");
    }
}
