using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Web.Hosting;
using PhoneCrm.Web.Hosting.Api;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Features.Contacts;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>
/// Proof of consent for the compliance officer: one contact (from the card) or in bulk (a list of phones or a time
/// range, from the Consent page), as JSON, a printable HTML document or a PDF. Every export is audited.
/// </summary>
public sealed class ConsentProofController(
    ConsentLedger ledger,
    ConsentTexts texts,
    ContactService contacts,
    ProofPdf pdf,
    AuditLog audit,
    TimeProvider clock,
    TenantClock tenantClock,
    IStringLocalizer<SharedResource> t) : UiController
{
    public sealed class BulkForm
    {
        public string? Phones { get; set; }
        public DateOnly? From { get; set; }
        public DateOnly? To { get; set; }
        public string? Format { get; set; }
    }

    /// <summary>The proof for one contact: <c>json</c> (download, the API's document), <c>html</c> or <c>pdf</c>.</summary>
    [HttpGet("consent/proof/{id:guid}"), RequirePermission(Permission.ConsentRead)]
    public Task<IActionResult> OneJson(Guid id, CancellationToken ct) => OneAsync(id, "json", ct);

    [HttpGet("consent/proof/{id:guid}/html"), RequirePermission(Permission.ConsentRead)]
    public Task<IActionResult> OneHtml(Guid id, CancellationToken ct) => OneAsync(id, "html", ct);

    [HttpGet("consent/proof/{id:guid}/pdf"), RequirePermission(Permission.ConsentRead)]
    public Task<IActionResult> OnePdf(Guid id, CancellationToken ct) => OneAsync(id, "pdf", ct);

    private async Task<IActionResult> OneAsync(Guid id, string format, CancellationToken ct)
    {
        var contact = await contacts.GetAsync(id, ContactAccess.ScopeFor(User), ct);
        if (contact is null) return NotFound();
        var proof = await ConsentProof.BuildAsync(contacts.View(contact, ContactScope.Full), ledger, texts, clock.GetUtcNow(), ct);
        await audit.WriteAsync(AuditActions.Export, "consent_proof", id.ToString(),
            $"ui proof; format={format};records={proof.Consents.Count};chainValid={proof.ChainValid}", ct);
        return Render(ConsentProof.Single(proof, t["One contact"]), format, $"consent-proof-{id}");
    }

    /// <summary>Bulk: the phones listed (one a line) or every contact with a record captured in the date range (days in the tenant's zone).</summary>
    [HttpPost("consent/proofs"), RequirePermission(Permission.ContactsExport)]
    public async Task<IActionResult> Bulk(BulkForm form, CancellationToken ct)
    {
        var format = form.Format is "html" or "pdf" ? form.Format : "json";
        var scope = ContactAccess.ScopeFor(User);
        var now = clock.GetUtcNow();
        string selection;
        List<Contact> found;
        IReadOnlyList<Domain.Consent.ConsentRecord> records;
        List<string> notFound = [], notPhones = [];
        var lines = (form.Phones ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length > 0)
        {
            if (lines.Length > ConsentProof.BulkMaxContacts)
                return await FormErrorAsync(form, string.Format(CultureInfo.CurrentCulture, t["At most {0} phones at once."], ConsentProof.BulkMaxContacts), ct);
            found = [];
            foreach (var line in lines.Distinct(StringComparer.Ordinal))
            {
                var (contact, valid) = await contacts.FindByPhoneAsync(line, scope, ct);
                if (!valid) notPhones.Add(line);
                else if (contact is null) notFound.Add(line);
                else if (found.All(c => c.Id != contact.Id)) found.Add(contact);
            }

            // Lines that are not numbers are named in the document; only a list with no number at all has nothing to prove.
            if (notPhones.Count == lines.Distinct(StringComparer.Ordinal).Count())
                return await FormErrorAsync(form, string.Format(CultureInfo.CurrentCulture, t["Not a phone number: {0}"], string.Join(", ", notPhones)), ct);
            records = await ledger.HistoryAsync(found.Select(c => c.Id).ToList(), ct);
            selection = string.Format(CultureInfo.CurrentCulture, t["{0} phones listed, {1} not found"], lines.Length, notFound.Count + notPhones.Count);
        }
        else if (form.From is { } from && form.To is { } to)
        {
            if (to < from) return await FormErrorAsync(form, t["The end of the range is before its start."], ct);
            var (start, end) = tenantClock.Days(from, to);
            var ids = await ledger.ContactsWithRecordsAsync(start, end, ConsentProof.BulkMaxContacts, ct);
            if (ids.Count > ConsentProof.BulkMaxContacts)
                return await FormErrorAsync(form, string.Format(CultureInfo.CurrentCulture, t["More than {0} contacts in this range: narrow it."], ConsentProof.BulkMaxContacts), ct);
            found = await contacts.GetManyAsync(ids, scope, ct);
            records = await ledger.RecordsInRangeAsync(found.Select(c => c.Id).ToList(), start, end, ct);
            selection = string.Format(CultureInfo.CurrentCulture, t["Records captured {0} – {1} ({2})"], from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), tenantClock.ZoneName);
        }
        else
        {
            return await FormErrorAsync(form, t["List phones or choose a date range."], ct);
        }

        var views = found.Select(c => contacts.View(c, ContactScope.Full)).ToList();
        var proof = await ConsentProof.BuildBulkAsync(views, records, selection, ledger, texts, now, ct) with { NotFound = notFound, NotPhones = notPhones };
        await audit.WriteAsync(AuditActions.Export, "consent_proof", views.Count <= 50 ? string.Join(",", views.Select(v => v.Id)) : null,
            $"ui bulk proof; format={format};contacts={views.Count};records={records.Count};{selection};chainValid={proof.ChainValid}", ct);
        return Render(proof, format, $"consent-proof-bulk-{now:yyyyMMdd-HHmmss}");
    }

    private IActionResult Render(ConsentProof.BulkProof proof, string format, string fileName)
    {
        switch (format)
        {
            case "pdf":
                Response.Headers.ContentDisposition = $"inline; filename=\"{fileName}.pdf\"";
                return File(pdf.Render(proof), "application/pdf");
            case "html":
                return View("Proof", proof);
            default:
                Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}.json\"";
                return proof.Contacts.Count == 1 && !fileName.Contains("bulk", StringComparison.Ordinal) ? Json(proof.Contacts[0]) : Json(proof);
        }
    }

    /// <summary>The Consent page again, with the officer's input kept and the problem next to the form (400).</summary>
    private async Task<IActionResult> FormErrorAsync(BulkForm form, string error, CancellationToken ct)
    {
        Response.StatusCode = StatusCodes.Status400BadRequest;
        var chain = await ledger.VerifyChainAsync(ct);
        return View("~/Features/Consent/Views/Consent/Index.cshtml", new ConsentController.IndexModel(null, null, chain) { Bulk = form, BulkError = error });
    }
}
