using System.Text;
using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Export;
using PhoneCrm.Infrastructure.Imports;

namespace PhoneCrm.Web.Features.Imports;

/// <summary>The API's rejected rows: a <c>line,value,reason</c> CSV (api-v1.md), audited as an export of personal data.</summary>
public static class RejectedRowsDownload
{
    public static async Task<EmptyResult> SendAsync(HttpResponse response, ImportService imports, AuditLog audit, ImportJob job, CancellationToken ct)
    {
        await audit.WriteAsync(AuditActions.Export, "import_rejections", job.Id.ToString(), $"rows={job.Rejected}", ct);
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"rejected-{job.Id:N}.csv\"";
        await using var writer = new StreamWriter(response.Body, new UTF8Encoding(false));
        await imports.WriteRejectedCsvAsync(job.Id, writer, ct);
        return new EmptyResult();
    }
}

/// <summary>
/// An import report for people (rejected rows, rows with several numbers): line, what the report adds, then the whole
/// original row, streamed in the chosen <see cref="CsvDialect"/>.
/// </summary>
public static class ImportReportDownload
{
    /// <param name="header">Line, the report's own columns, then the file's columns.</param>
    /// <param name="fileColumns">How many of the file's columns the header names: shorter rows are padded to it.</param>
    public static async Task<EmptyResult> SendAsync(HttpResponse response, string fileName, CsvDialect dialect, IReadOnlyList<string> header,
        IAsyncEnumerable<ImportReportRow> rows, Func<ImportReportRow, IEnumerable<string?>> extra, int fileColumns, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(extra);
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        await using var writer = new StreamWriter(response.Body, dialect.Encoding, 64 * 1024);
        var csv = new CsvRowWriter(writer, dialect);
        await csv.WriteRowAsync([.. header]);
        await foreach (var row in rows.WithCancellation(ct))
        {
            var original = row.Fields.Length >= fileColumns ? row.Fields : [.. row.Fields, .. Enumerable.Repeat("", fileColumns - row.Fields.Length)];
            await csv.WriteRowAsync([row.Line.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extra(row), .. original]);
        }

        await writer.FlushAsync(ct);
        return new EmptyResult();
    }
}
