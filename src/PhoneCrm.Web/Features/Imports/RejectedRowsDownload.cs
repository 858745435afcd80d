using System.Text;
using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Imports;

namespace PhoneCrm.Web.Features.Imports;

/// <summary>An import's rejected rows as a <c>line,value,reason</c> CSV download, audited as an export of personal data.</summary>
public static class RejectedRowsDownload
{
    /// <param name="byteOrderMark">For people: with a BOM, spreadsheet programs read the file as UTF-8.</param>
    public static async Task<EmptyResult> SendAsync(HttpResponse response, ImportService imports, AuditLog audit, ImportJob job,
        bool byteOrderMark, CancellationToken ct)
    {
        await audit.WriteAsync(AuditActions.Export, "import_rejections", job.Id.ToString(), $"rows={job.Rejected}", ct);
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"rejected-{job.Id:N}.csv\"";
        await using var writer = new StreamWriter(response.Body, new UTF8Encoding(byteOrderMark));
        await imports.WriteRejectedCsvAsync(job.Id, writer, ct);
        return new EmptyResult();
    }
}
