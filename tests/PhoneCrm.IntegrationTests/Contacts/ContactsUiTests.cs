using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PhoneCrm.Domain.Access;
using PhoneCrm.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PhoneCrm.IntegrationTests.Contacts;

/// <summary>Role scoping, masking, export and encryption at rest of the contact base.</summary>
[Collection(AppCollection.Name)]
public sealed class ContactsUiTests(AppFixture app, ITestOutputHelper output)
{
    private static async Task<Guid> CreateAsync(HttpClient api, object body)
    {
        var response = await api.PostAsJsonAsync("/api/v1/contacts", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task Sales_manager_sees_only_own_contacts()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var own = await CreateAsync(api, new { phone = "+79161110001", firstName = "Свой" });
        var other = await CreateAsync(api, new { phone = "+79161110002", firstName = "Чужой" });
        var manager = await tenant.AddUserAsync(Role.SalesManager);
        await tenant.WithDbAsync(async db =>
        {
            var c = await db.Contacts.SingleAsync(x => x.Id == own);
            c.OwnerId = manager.Id;
            return await db.SaveChangesAsync();
        });
        using var session = app.Session();
        await session.SignInAsync(manager);

        var list = await Html(session, "/contacts");
        var ownCard = await session.GetAsync($"/contacts/{own}");
        var otherCard = await session.GetAsync($"/contacts/{other}");
        var search = await Html(session, "/contacts?q=" + Uri.EscapeDataString("8 916 111-00-02"));
        var apiOther = await session.GetAsync($"/contacts/{other}?tab=orders");

        Assert.Contains("+7 (916) 111-00-01", list, StringComparison.Ordinal);
        Assert.DoesNotContain("+7 (916) 111-00-02", list, StringComparison.Ordinal);
        Assert.DoesNotContain("Чужой", list, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ownCard.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherCard.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, apiOther.StatusCode);
        Assert.DoesNotContain("+7 (916) 111-00-02", search, StringComparison.Ordinal);
        Assert.Contains("id=\"no-contacts\"", search, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Analyst_sees_masked_phones_and_no_names_or_emails()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var id = await CreateAsync(api, new { phone = "8 916 123-45-67", firstName = "Иван", lastName = "Петров", email = "ivan@example.ru", city = "Москва", tags = new[] { "garden" } });
        using var analyst = await tenant.SignInAsync(Role.Analyst);

        var list = await Html(analyst, "/contacts");
        var card = await Html(analyst, $"/contacts/{id}");
        var byTag = await Html(analyst, "/contacts?q=garden");
        var byPhone = await Html(analyst, "/contacts?q=89161234567");

        foreach (var html in new[] { list, card, byTag })
        {
            Assert.Contains("+7 (916) ***-**-67", html, StringComparison.Ordinal);
            Assert.DoesNotContain("123-45-67", html, StringComparison.Ordinal);
            Assert.DoesNotContain("9161234567", html, StringComparison.Ordinal);
            Assert.DoesNotContain("Иван", html, StringComparison.Ordinal);
            Assert.DoesNotContain("Петров", html, StringComparison.Ordinal);
            Assert.DoesNotContain("ivan@example.ru", html, StringComparison.Ordinal);
        }

        // Without personal access the search is by tag only: a number cannot be confirmed.
        Assert.DoesNotContain("***-**-67", byPhone, StringComparison.Ordinal);
        var export = await analyst.GetAsync("/contacts/export?format=csv");
        Assert.Contains("/account/access-denied", export.Headers.Location?.OriginalString ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Marketer_searches_by_any_format_email_name_and_tag_and_every_view_is_audited()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var id = await CreateAsync(api, new { phone = "+79161234567", firstName = "Анна-Мария", lastName = "Ёлкина", email = "Anna@Example.ru", tags = new[] { "kitchen" } });
        await CreateAsync(api, new { phone = "+79031234567", firstName = "Пётр", tags = new[] { "tools" } });
        using var marketer = await tenant.SignInAsync(Role.Marketer);

        foreach (var q in new[] { "8 (916) 123-45-67", "9161234567", "anna@example.ru", "елкина", "мария", "#kitchen", "kitchen" })
        {
            var html = await Html(marketer, "/contacts?q=" + Uri.EscapeDataString(q));
            Assert.Contains($"/contacts/{id}", html, StringComparison.Ordinal);
            Assert.DoesNotContain("+7 (903) 123-45-67", html, StringComparison.Ordinal);
        }

        var card = await Html(marketer, $"/contacts/{id}");
        Assert.Contains("Анна-Мария", card, StringComparison.Ordinal);
        var audits = await tenant.WithDbAsync(db => db.AuditLog.Where(a => a.EntityType == "contact_list" || a.EntityType == "contact").ToListAsync());
        Assert.Equal(7, audits.Count(a => a.EntityType == "contact_list" && a.Action == "read"));
        Assert.Contains(audits, a => a.EntityType == "contact" && a.Action == "read" && a.EntityIds == id.ToString());
        Assert.DoesNotContain(audits, a => (a.Details ?? "").Contains("елкина", StringComparison.Ordinal) || (a.Details ?? "").Contains("916", StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_pages_by_keyset_and_sorts()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        for (var i = 0; i < 55; i++) await CreateAsync(api, new { phone = $"+791600000{i:00}", city = i % 2 == 0 ? "Москва" : "Казань" });
        using var marketer = await tenant.SignInAsync(Role.Marketer);

        var seen = new HashSet<string>();
        foreach (var sort in new[] { "created", "updated", "city", "status" })
        {
            foreach (var dir in new[] { "asc", "desc" })
            {
                seen.Clear();
                var url = $"/contacts?sort={sort}&dir={dir}";
                var pages = 0;
                while (url is not null && pages++ < 5)
                {
                    var html = await Html(marketer, url);
                    foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(html, "data-id=\"([0-9a-f-]+)\""))
                        Assert.True(seen.Add(m.Groups[1].Value), $"{sort} {dir}: duplicate row");
                    var next = System.Text.RegularExpressions.Regex.Match(html, "id=\"next-page\" href=\"([^\"]+)\"");
                    url = next.Success ? WebUtility.HtmlDecode(next.Groups[1].Value) : null;
                }

                Assert.Equal(55, seen.Count);
            }
        }
    }

    [Fact]
    public async Task Card_edit_validates_in_Russian_and_saves_notes_and_owner()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var id = await CreateAsync(api, new { phone = "+79161234567", firstName = "Иван" });
        var manager = await tenant.AddUserAsync(Role.SalesManager);
        using var marketer = await tenant.SignInAsync(Role.Marketer);
        var form = new Dictionary<string, string>
        {
            ["phone"] = "8 916 123-45-67", ["firstName"] = "Иван", ["lastName"] = "Сидоров", ["email"] = "плохой", ["city"] = "Казань",
            ["gender"] = "male", ["birthDate"] = "1985-02-03", ["tags"] = "garden, Tools", ["sourceChannel"] = "store", ["status"] = "active",
        };

        var bad = await marketer.PostFormAsync($"/contacts/{id}", form, $"/contacts/{id}");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Введите корректный email.", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        form["email"] = "ivan@example.ru";
        var ok = await marketer.PostFormAsync($"/contacts/{id}", form, $"/contacts/{id}");
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        var note = await marketer.PostFormAsync($"/contacts/{id}/notes", new() { ["text"] = "Просил перезвонить вечером" }, $"/contacts/{id}");
        Assert.Equal(HttpStatusCode.Redirect, note.StatusCode);
        var owner = await marketer.PostFormAsync($"/contacts/{id}/owner", new() { ["ownerId"] = manager.Id.ToString() }, $"/contacts/{id}");
        Assert.Equal(HttpStatusCode.Redirect, owner.StatusCode);

        var card = await Html(marketer, $"/contacts/{id}");
        Assert.Contains("Сидоров", card, StringComparison.Ordinal);
        Assert.Contains("Просил перезвонить вечером", card, StringComparison.Ordinal);
        Assert.Contains(manager.Email, card, StringComparison.Ordinal);
        var read = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{id}");
        Assert.Equal("Europe/Moscow", read.GetProperty("timeZone").GetString()); // Kazan
        Assert.Equal(["garden", "tools"], read.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).Order());
        Assert.Equal("1985-02-03", read.GetProperty("birthDate").GetString());
        // Messages load by htmx (sms-providers); a contact without events has an empty events tab.
        Assert.Contains("id=\"messages-loading\"", await Html(marketer, $"/contacts/{id}?tab=messages"), StringComparison.Ordinal);
        Assert.Contains("id=\"tab-empty\"", await Html(marketer, $"/contacts/{id}?tab=orders"), StringComparison.Ordinal);
        Assert.Contains("id=\"no-consents\"", await Html(marketer, $"/contacts/{id}?tab=consents"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_form_makes_a_contact_and_refuses_a_duplicate_number()
    {
        var tenant = await app.CreateTenantAsync();
        using var marketer = await tenant.SignInAsync(Role.Marketer);
        var form = new Dictionary<string, string> { ["phone"] = "8 (916) 765-43-21", ["firstName"] = "Ольга", ["gender"] = "female", ["sourceChannel"] = "store" };

        var created = await marketer.PostFormAsync("/contacts/new", form, "/contacts/new");
        var duplicate = await marketer.PostFormAsync("/contacts/new", new(form) { ["phone"] = "+7 916 765 43 21" }, "/contacts/new");
        var junk = await marketer.PostFormAsync("/contacts/new", new(form) { ["phone"] = "абв" }, "/contacts/new");

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, junk.StatusCode);
        Assert.Contains("Введите корректный номер телефона.", await junk.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await tenant.WithDbAsync(db => db.Contacts.CountAsync()));
    }

    [Fact]
    public async Task Export_neutralises_formulas_and_is_audited()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await CreateAsync(api, new { phone = "+79161234567", firstName = "=cmd()", lastName = "+SUM(A1)", tags = new[] { "garden" } });
        await CreateAsync(api, new { phone = "+79031234567", firstName = "Пётр", tags = new[] { "tools" } });
        using var marketer = await tenant.SignInAsync(Role.Marketer);

        // «,» on request (Excel's «;» is the default of the Russian UI, below): every cell that could be a formula neutralised.
        var csv = await marketer.Client.GetStringAsync("/contacts/export?format=csv&q=%23garden&csv=comma");
        var xlsx = await marketer.Client.GetByteArrayAsync("/contacts/export?format=xlsx");

        output.WriteLine(csv);
        var lines = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("id,phone,first_name,last_name,email", lines[0], StringComparison.Ordinal);
        Assert.Contains(",'+79161234567,'=cmd(),'+SUM(A1),", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain(",=cmd()", csv, StringComparison.Ordinal);
        // For Russian Excel (the default here): «;», a BOM, and a plain number is written plainly — it is no formula.
        var excel = await marketer.Client.GetByteArrayAsync("/contacts/export?format=csv&q=%23garden");
        Assert.Equal([0xEF, 0xBB, 0xBF], excel[..3]);
        var excelLines = System.Text.Encoding.UTF8.GetString(excel[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id;phone;first_name;last_name;email", excelLines[0], StringComparison.Ordinal);
        Assert.Contains(";+79161234567;'=cmd();'+SUM(A1);", excelLines[1], StringComparison.Ordinal);
        Assert.Equal((byte)'P', xlsx[0]);
        Assert.Equal((byte)'K', xlsx[1]);
        using (var book = new ClosedXML.Excel.XLWorkbook(new MemoryStream(xlsx)))
        {
            var sheet = book.Worksheet(1);
            Assert.Equal(3, sheet.LastRowUsed().RowNumber());
            Assert.DoesNotContain(sheet.CellsUsed(), c => c.HasFormula);
            Assert.Contains(sheet.CellsUsed(), c => c.GetString() == "'=cmd()");
        }

        var exports = await tenant.WithDbAsync(db => db.AuditLog.Where(a => a.Action == "export" && a.EntityType == "contact").ToListAsync());
        Assert.Contains(exports, a => a.Details!.StartsWith("csv;search=tag", StringComparison.Ordinal) && a.Details.EndsWith("rows=1", StringComparison.Ordinal));
        Assert.Contains(exports, a => a.Details!.StartsWith("xlsx;", StringComparison.Ordinal) && a.Details.EndsWith("rows=2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Database_holds_no_plaintext_phone_name_or_email()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var people = new[]
        {
            (Phone: "8 (916) 482-73-19", E164: "+79164827319", First: "Ярослава", Last: "Кузнецова-Уникальная", Email: "yaroslava.k@example-secret.ru"),
            (Phone: "+7 701 555 12 34", E164: "+77015551234", First: "Айгерим", Last: "Нурланова", Email: "aigerim.n@example-secret.kz"),
        };
        foreach (var p in people) await CreateAsync(api, new { phone = p.Phone, firstName = p.First, lastName = p.Last, email = p.Email });
        using (var marketer = await tenant.SignInAsync(Role.Marketer))
        {
            var id = await tenant.WithDbAsync(db => db.Contacts.Select(c => c.Id).FirstAsync());
            await marketer.PostFormAsync($"/contacts/{id}/notes", new() { ["text"] = "note about " + people[0].Last }, $"/contacts/{id}");
        }

        var needles = people.SelectMany(p => new[]
        {
            p.E164, p.E164[1..], p.E164[2..], p.Phone, p.E164[2..5] + " " + p.E164[5..8], p.E164[5..] ,p.First, p.Last, p.Email,
            p.Email.ToUpperInvariant(),
        }).ToList();

        // 1. Every text, bytea, array and jsonb value of every table, read as this tenant (row-level security applies).
        await using var conn = new NpgsqlConnection(app.Factory.ConnectionString);
        await conn.OpenAsync();
        await using (var set = new NpgsqlCommand($"SELECT set_config('app.tenant_id', '{tenant.Id}', false)", conn)) await set.ExecuteNonQueryAsync();
        var tables = new List<string>();
        await using (var cmd = new NpgsqlCommand("SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema IN ('public', 'hangfire')", conn))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        Assert.Contains("public.contacts", tables);
        var contactRows = 0;
        foreach (var table in tables)
        {
            await using var cmd = new NpgsqlCommand($"SELECT * FROM {table}", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                if (table == "public.contacts") contactRows++;
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (reader.IsDBNull(i)) continue;
                    var text = Render(reader.GetValue(i));
                    foreach (var needle in needles)
                        Assert.False(text.Contains(needle, StringComparison.OrdinalIgnoreCase), $"{table}.{reader.GetName(i)} holds '{needle}'");
                }
            }
        }

        Assert.Equal(2, contactRows);

        // 2. A real pg_dump of the database (this tenant's rows), when the client is installed.
        var pgDump = new[] { "/usr/lib/postgresql/15/bin/pg_dump", "/usr/bin/pg_dump" }.FirstOrDefault(File.Exists);
        if (pgDump is null) return;
        var csb = new NpgsqlConnectionStringBuilder(app.Factory.ConnectionString);
        var psi = new ProcessStartInfo(pgDump, ["--data-only", "--enable-row-security", "--no-owner", "-h", csb.Host!, "-p", csb.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", csb.Username!, "-d", csb.Database!])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["PGPASSWORD"] = csb.Password;
        psi.Environment["PGOPTIONS"] = $"-c app.tenant_id={tenant.Id}";
        using var dumpProcess = Process.Start(psi)!;
        var stdout = dumpProcess.StandardOutput.ReadToEndAsync();
        var stderr = await dumpProcess.StandardError.ReadToEndAsync();
        var dump = await stdout;
        await dumpProcess.WaitForExitAsync();
        Assert.True(dumpProcess.ExitCode == 0, stderr);
        Assert.Contains("COPY public.contacts", dump, StringComparison.Ordinal);
        foreach (var needle in needles) Assert.DoesNotContain(needle, dump, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<string> Html(UiSession session, string path) =>
        WebUtility.HtmlDecode(await session.Client.GetStringAsync(path));

    private static string Render(object value) => value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes) + "\n" + Encoding.Latin1.GetString(bytes),
        Array array => string.Join("\n", array.Cast<object?>().Select(v => v is null ? "" : Render(v))),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
