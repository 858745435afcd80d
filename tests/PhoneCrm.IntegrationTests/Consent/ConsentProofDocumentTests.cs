using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;
using PdfSharp.Pdf.IO;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Consent;

/// <summary>The printable proof (HTML, PDF with Cyrillic), bulk proof, who may export it, and chunked chain verification.</summary>
[Collection(AppCollection.Name)]
public sealed class ConsentProofDocumentTests(AppFixture app)
{
    [Fact]
    public async Task Html_and_pdf_show_the_evidence_and_the_exact_text_and_each_export_is_audited()
    {
        var tenant = await app.CreateTenantAsync();
        var (contactId, version) = await GrantWithTextAsync(tenant, "+79161234567");
        using var session = await tenant.SignInAsync(Role.ComplianceOfficer);

        var card = await session.Client.GetStringAsync($"/contacts/{contactId}?tab=consents");
        Assert.Contains($"/consent/proof/{contactId}/pdf", card);

        var html = WebUtility.HtmlDecode(await session.Client.GetStringAsync($"/consent/proof/{contactId}/html"));
        Assert.Contains("Доказательство согласия", html);
        Assert.Contains("203.0.113.5", html);
        Assert.Contains("https://shop.example/checkout", html);
        Assert.Contains("Mozilla/5.0 (proof test)", html);
        Assert.Contains("ООО «Ромашка»", html);
        Assert.Contains("Я согласен получать рекламу", html);
        Assert.Contains(version.Hash, html);
        Assert.Contains("Цепочка целостна", html);

        var response = await session.GetAsync($"/consent/proof/{contactId}/pdf");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(bytes, 0, 5));
        var (fonts, embedded, unicode) = InspectFonts(bytes);
        Assert.Contains(fonts, f => f.Contains("DejaVu Sans", StringComparison.Ordinal));
        Assert.True(embedded, "the DejaVu font program is embedded");
        // The ToUnicode maps name the Cyrillic letters drawn: Д (U+0414) of «Доказательство», я (U+044F).
        Assert.Contains("0414", unicode, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("044F", unicode, StringComparison.OrdinalIgnoreCase);

        var audits = await tenant.WithDbAsync(db => db.AuditLog
            .Where(a => a.EntityType == "consent_proof" && a.EntityIds == contactId.ToString()).Select(a => a.Details!).ToListAsync());
        Assert.Contains(audits, d => d.Contains("format=html", StringComparison.Ordinal));
        Assert.Contains(audits, d => d.Contains("format=pdf", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bulk_proof_by_phones_and_by_date_range_and_clear_errors()
    {
        var tenant = await app.CreateTenantAsync();
        var (first, _) = await GrantWithTextAsync(tenant, "+79161234567");
        var (second, _) = await GrantWithTextAsync(tenant, "+79031112233");
        using var session = await tenant.SignInAsync(Role.ComplianceOfficer);

        var byPhones = await session.PostFormAsync("/consent/proofs",
            new() { ["Phones"] = "8 916 123-45-67\n+7 903 111 22 33\n+79990000000", ["Format"] = "html" }, tokenFrom: "/consent");
        Assert.Equal(HttpStatusCode.OK, byPhones.StatusCode);
        var html = WebUtility.HtmlDecode(await byPhones.Content.ReadAsStringAsync());
        Assert.Contains($"data-contact=\"{first}\"", html);
        Assert.Contains($"data-contact=\"{second}\"", html);
        Assert.Contains("не найдено: 1", html);
        Assert.Contains("+79990000000", html[html.IndexOf("id=\"proof-not-found\"", StringComparison.Ordinal)..]);

        // The range is in days of the tenant's zone (Moscow by default), not UTC days.
        var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow"))
            .ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var byRange = await session.PostFormAsync("/consent/proofs",
            new() { ["From"] = today, ["To"] = today, ["Format"] = "json" }, tokenFrom: "/consent");
        Assert.Equal(HttpStatusCode.OK, byRange.StatusCode);
        var json = await byRange.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, json.GetProperty("contacts").GetArrayLength());
        Assert.True(json.GetProperty("chainValid").GetBoolean());

        var pdf = await session.PostFormAsync("/consent/proofs", new() { ["From"] = today, ["To"] = today, ["Format"] = "pdf" }, tokenFrom: "/consent");
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);

        var nothing = await session.PostFormAsync("/consent/proofs", new() { ["Format"] = "html" }, tokenFrom: "/consent");
        Assert.Equal(HttpStatusCode.BadRequest, nothing.StatusCode);
        Assert.Contains("Укажите номера или выберите период", await nothing.Content.ReadAsStringAsync());
        var junk = await session.PostFormAsync("/consent/proofs", new() { ["Phones"] = "hello", ["Format"] = "pdf" }, tokenFrom: "/consent");
        Assert.Equal(HttpStatusCode.BadRequest, junk.StatusCode);
        var junkPage = WebUtility.HtmlDecode(await junk.Content.ReadAsStringAsync());
        Assert.Contains("id=\"bulk-proof-error\"", junkPage);
        Assert.Contains("Не номер телефона: hello", junkPage);
        Assert.Contains(">hello</textarea>", junkPage);
        Assert.Contains("<option value=\"pdf\" selected=\"selected\">", junkPage);

        // One bad line does not throw away the good ones: they are proven, the rest are named in the document.
        var mixed = await session.PostFormAsync("/consent/proofs",
            new() { ["Phones"] = "8 916 123-45-67\nhello\n+79990000000", ["Format"] = "json" }, tokenFrom: "/consent");
        Assert.Equal(HttpStatusCode.OK, mixed.StatusCode);
        var mixedJson = await mixed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(first.ToString(), Assert.Single(mixedJson.GetProperty("contacts").EnumerateArray()).GetProperty("contactId").GetString());
        Assert.Equal(["+79990000000"], mixedJson.GetProperty("notFound").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["hello"], mixedJson.GetProperty("notPhones").EnumerateArray().Select(e => e.GetString()));

        Assert.Equal(4, await tenant.WithDbAsync(db => db.AuditLog.CountAsync(a => a.EntityType == "consent_proof" && a.Details!.StartsWith("ui bulk proof"))));
    }

    [Fact]
    public async Task Proof_needs_consent_access_bulk_needs_export_and_sales_see_only_their_contacts()
    {
        var tenant = await app.CreateTenantAsync();
        var (contactId, _) = await GrantWithTextAsync(tenant, "+79161234567");

        using var analyst = await tenant.SignInAsync(Role.Analyst);
        var denied = await analyst.GetAsync($"/consent/proof/{contactId}/pdf");
        Assert.True(denied.StatusCode == HttpStatusCode.Forbidden
            || denied.Headers.Location?.OriginalString.Contains("access-denied", StringComparison.Ordinal) == true, $"{denied.StatusCode}");

        using var sales = await tenant.SignInAsync(Role.SalesManager);
        Assert.Equal(HttpStatusCode.NotFound, (await sales.GetAsync($"/consent/proof/{contactId}/html")).StatusCode);
        var bulk = await sales.PostFormAsync("/consent/proofs", new() { ["Phones"] = "+79161234567" }, tokenFrom: "/consent");
        Assert.True(bulk.StatusCode == HttpStatusCode.Forbidden
            || bulk.Headers.Location?.OriginalString.Contains("access-denied", StringComparison.Ordinal) == true, $"{bulk.StatusCode}");

        using var anonymous = app.Session();
        var login = await anonymous.GetAsync($"/consent/proof/{contactId}/pdf");
        Assert.Contains("/account/login", login.Headers.Location?.OriginalString ?? "");
        Assert.Equal(0, await tenant.WithDbAsync(db => db.AuditLog.CountAsync(a => a.EntityType == "consent_proof")));
    }

    [Fact]
    public async Task Chain_verification_in_small_chunks_finds_the_first_altered_record()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        for (var i = 0; i < 7; i++)
        {
            var r = await api.PostAsJsonAsync("/api/v1/consents", new
            {
                phone = $"+7916123450{i}", purpose = "marketing", channel = "sms", legalBasis = "consent", evidence = new { method = "api" },
            });
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }

        var intact = await VerifyAsync(tenant, chunk: 2);
        Assert.Equal((true, (long?)null, 7L), (intact.Valid, intact.FirstBrokenSeq, intact.Records));
        Assert.Equal(intact, await VerifyAsync(tenant, chunk: 7));

        await using (var conn = new NpgsqlConnection(app.Factory.ConnectionString))
        {
            await conn.OpenAsync();
            await using var set = new NpgsqlCommand($"SELECT set_config('app.tenant_id', '{tenant.Id}', false)", conn);
            await set.ExecuteNonQueryAsync();
            await using var update = new NpgsqlCommand("UPDATE consent_records SET ip = '10.0.0.1' WHERE seq = 5", conn);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        var broken = await VerifyAsync(tenant, chunk: 2);
        Assert.Equal((false, (long?)5), (broken.Valid, broken.FirstBrokenSeq));
        Assert.Equal(5, (await VerifyAsync(tenant, chunk: 3)).FirstBrokenSeq);
    }

    private Task<ChainVerification> VerifyAsync(TestTenant tenant, int chunk) =>
        app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<ConsentLedger>().VerifyChainAsync(chunk, CancellationToken.None));

    private static async Task<(Guid ContactId, ConsentTextVersion Version)> GrantWithTextAsync(TestTenant tenant, string phone)
    {
        var version = await tenant.App.InTenantAsync(tenant.Id, async sp =>
        {
            var (v, errors) = await sp.GetRequiredService<ConsentTexts>().CreateAsync(new ConsentTextContent("ООО «Ромашка»",
                "Москва, ул. Ленина, 1", "рассылка рекламы", "номер телефона", "сбор, хранение", "3 года", "ответьте СТОП",
                "Я согласен получать рекламу по SMS"), ["marketing"]);
            return v ?? throw new InvalidOperationException(errors.ToString());
        });
        using var api = tenant.Api();
        var response = await api.PostAsJsonAsync("/api/v1/consents", new
        {
            phone, purpose = "marketing", channel = "sms", legalBasis = "consent", textVersionId = version.Id,
            evidence = new { method = "web_form", ip = "203.0.113.5", userAgent = "Mozilla/5.0 (proof test)", sourceUrl = "https://shop.example/checkout" },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return ((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("contactId").GetGuid(), version);
    }

    /// <summary>Base font names, whether a font program (FontFile2) is embedded, and the text of every ToUnicode map.</summary>
    private static (List<string> Fonts, bool Embedded, string Unicode) InspectFonts(byte[] pdf)
    {
        using var document = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import);
        var fonts = new List<string>();
        var embedded = false;
        var unicode = new StringBuilder();
        foreach (var obj in document.Internals.GetAllObjects())
        {
            if (obj is not PdfDictionary dict) continue;
            if (dict.Elements.GetName("/Type") == "/Font") fonts.Add(dict.Elements.GetName("/BaseFont"));
            if (dict.Elements.GetName("/Type") == "/FontDescriptor" && dict.Elements.ContainsKey("/FontFile2")) embedded = true;
            if (dict.Elements.GetReference("/ToUnicode")?.Value is PdfDictionary { Stream: { } map })
                unicode.Append(Encoding.ASCII.GetString(map.UnfilteredValue));
        }

        return (fonts, embedded, unicode.ToString());
    }
}
