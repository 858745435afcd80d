using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Imports;

namespace PhoneCrm.Infrastructure.Contacts.Import;

/// <summary>
/// What a contact import did with the rows that had several numbers: the file is read again and each row normalised
/// as the import did (the same mapping and rules, so the same number is chosen), rather than storing a copy of every
/// such row — the numbers themselves are kept on the contacts (<c>other_phones_cipher</c>).
/// </summary>
public sealed class ContactImportReport(PhoneCrmDbContext db, ImportService imports)
{
    /// <summary>Rows whose other numbers were kept, in line order: the original row, then the number kept as the
    /// contact's and the others (E.164, comma-separated), as <see cref="ImportReportRow.Extra"/>.</summary>
    public async IAsyncEnumerable<ImportReportRow> OtherPhonesAsync(ImportJob job,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var region = await db.Tenants.AsNoTracking().Where(t => t.Id == job.TenantId).Select(t => t.DefaultRegion).SingleAsync(ct);
        using var reader = await imports.OpenFileAsync(job, ct);
        if (reader is null) yield break;
        ImportRowNormalizer normalizer;
        try
        {
            normalizer = new ImportRowNormalizer(ContactImportHandler.MappingFor(job, reader.Header.Fields), region);
        }
        catch (ImportFormatException)
        {
            yield break;
        }

        foreach (var row in reader.ReadRows())
        {
            ct.ThrowIfCancellationRequested();
            if (normalizer.Normalize(row) is NormalizedImportRow { OtherPhones.Count: > 0 } kept)
                yield return new ImportReportRow(row.Line, row.Fields, [kept.Phone.E164, string.Join(", ", kept.OtherPhones)]);
        }
    }
}
