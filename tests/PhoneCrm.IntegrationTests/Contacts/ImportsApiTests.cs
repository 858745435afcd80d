using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Contacts;

/// <summary>The Imports section of api-v1.md with a messy real-world file, asserted exactly.</summary>
[Collection(AppCollection.Name)]
public sealed class ImportsApiTests(AppFixture app)
{
    private static readonly string _bigName = new('x', 100_000);

    /// <summary>Header line 1; every data line's fate is in the comment.</summary>
    public static string MessyFile() =>
        "Телефон;Имя;Фамилия;E-mail;Город;Пол;Дата рождения;Теги\r\n"                                    // 1
        + "8 (916) 123-45-67;Иван;Петров;Ivan.Petrov@Mail.RU;  Москва  ;м;15.03.1985;VIP|Сад\r\n"         // 2 created
        + "+7 916 123 45 67;Иван;;;;;;\r\n"                                                               // 3 duplicate of 2
        + "\r\n"                                                                                          // 4 empty, not a row
        + "9031234567;\"Анна; Мария\";\"Сидорова\";anna@;\"Санкт-Петербург\";ж;1990-13-01;опт\r\n"         // 5 created (bad email/date dropped)
        + "12345;Junk;Short;;;;;\r\n"                                                                     // 6 rejected
        + "\"=HYPERLINK(\"\"http://evil\"\")\";Формула;;;;;;\r\n"                                          // 7 rejected
        + "8-926-555-44-33;=cmd|' /C calc'!A0;;;;female;;\r\n"                                            // 8 created, formula kept as text
        + "79265554433;;;;;;;\r\n"                                                                        // 9 duplicate of 8
        + "+7(985)1112233;" + _bigName + ";;;;;;\r\n"                                                     // 10 rejected: 100 kB field
        + ";Без;Телефона;;;;;\r\n"                                                                        // 11 rejected
        + "+7 701 123 45 67;Айгуль;;;Алматы;;;\r\n"                                                       // 12 created, KZ
        + "8(495)123-45-67;Офис;;;Москва;;;";                                                             // 13 created, landline

    public static byte[] Windows1251(string text)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1251).GetBytes(text);
    }

    [Fact]
    public async Task A_messy_windows_1251_file_imports_exactly_and_again_creates_nothing()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var first = await ImportAndWaitAsync(api, Windows1251(MessyFile()), "shop.csv");
        Assert.Equal(("completed", 11, 11, 5, 0, 2, 4),
            (Str(first, "status"), Int(first, "totalRows"), Int(first, "processedRows"), Int(first, "created"),
             Int(first, "updated"), Int(first, "duplicates"), Int(first, "rejected")));

        var rejected = await api.GetAsync($"/api/v1/imports/{Str(first, "id")}/rejected");
        Assert.Equal("text/csv", rejected.Content.Headers.ContentType?.MediaType);
        var lines = (await rejected.Content.ReadAsStringAsync()).TrimEnd().Split("\r\n");
        Assert.Equal("line,value,reason", lines[0]);
        Assert.Equal("6,12345,invalid phone: too short", lines[1]);
        Assert.Equal("7,\"'=HYPERLINK(\"\"http://evil\"\")\",invalid phone: not a phone number", lines[2]);
        Assert.Equal("10,'+7(985)1112233,field too long: first_name", lines[3]);
        Assert.Equal("11,,missing phone", lines[4]);
        Assert.Equal(5, lines.Length);

        var ivan = await api.GetFromJsonAsync<JsonElement>("/api/v1/contacts?phone=89161234567");
        var contact = ivan.GetProperty("items")[0];
        Assert.Equal(("Иван", "Петров", "ivan.petrov@mail.ru", "Москва", "male", "import"),
            (Str(contact, "firstName"), Str(contact, "lastName"), Str(contact, "email"), Str(contact, "city"), Str(contact, "gender"),
             contact.GetProperty("source").GetProperty("channel").GetString()));
        Assert.Equal(["vip", "сад"], contact.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        var kz = (await api.GetFromJsonAsync<JsonElement>("/api/v1/contacts?phone=%2B77011234567")).GetProperty("items")[0];
        Assert.Equal("KZ", Str(kz, "region"));
        var formula = (await api.GetFromJsonAsync<JsonElement>("/api/v1/contacts?phone=89265554433")).GetProperty("items")[0];
        Assert.Equal("=cmd|' /C calc'!A0", Str(formula, "firstName"));

        // The same content again (now UTF-8 with BOM): nothing new, every number merges into its contact.
        var again = await ImportAndWaitAsync(api, [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(MessyFile())], "shop-utf8.csv");
        Assert.Equal((0, 5, 2, 4, 11), (Int(again, "created"), Int(again, "updated"), Int(again, "duplicates"), Int(again, "rejected"), Int(again, "processedRows")));
        Assert.Equal(5, await tenant.WithDbAsync(db => db.Set<PhoneCrm.Domain.Contacts.Contact>().CountAsync()));
    }

    [Fact]
    public async Task Import_fills_only_empty_fields_of_existing_contacts_and_unites_tags()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var created = await api.PostAsJsonAsync("/api/v1/contacts", new { phone = "+79161234567", firstName = "Пётр", tags = new[] { "garden" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var csv = "phone,first_name,last_name,city,tags\n89161234567,Иван,Петров,Екатеринбург,tools|garden\n";
        var job = await ImportAndWaitAsync(api, Encoding.UTF8.GetBytes(csv), "merge.csv");
        Assert.Equal((0, 1), (Int(job, "created"), Int(job, "updated")));

        var c = (await api.GetFromJsonAsync<JsonElement>("/api/v1/contacts?phone=+79161234567")).GetProperty("items")[0];
        Assert.Equal(("Пётр", "Петров", "Екатеринбург", "Asia/Yekaterinburg"),
            (Str(c, "firstName"), Str(c, "lastName"), Str(c, "city"), Str(c, "timeZone")));
        Assert.Equal(["garden", "tools"], c.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Order());
    }

    [Fact]
    public async Task Bad_uploads_get_clear_errors_and_other_tenants_imports_are_404()
    {
        var tenant = await app.CreateTenantAsync();
        var other = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var noFile = await api.PostAsync("/api/v1/imports", new MultipartFormDataContent { { new StringContent("import"), "sourceChannel" } });
        await AssertFieldErrorAsync(noFile, "file");
        var unreadable = await api.PostAsync("/api/v1/imports", new MultipartFormDataContent());
        await AssertFieldErrorAsync(unreadable, "body");
        var noPhone = await PostFileAsync(api, Encoding.UTF8.GetBytes("name,city\nИван,Москва\n"), "x.csv");
        await AssertFieldErrorAsync(noPhone, "file");
        var badSource = await PostFileAsync(api, Encoding.UTF8.GetBytes("phone\n89161234567\n"), "x.csv", "carrier-pigeon");
        await AssertFieldErrorAsync(badSource, "sourceChannel");
        var garbage = await PostFileAsync(api, [0x50, 0x4B, 0x03, 0x04, 1, 2, 3], "broken.xlsx");
        await AssertFieldErrorAsync(garbage, "file");

        var job = await ImportAndWaitAsync(api, Encoding.UTF8.GetBytes("phone\n89161234567\n"), "ok.csv");
        using var otherApi = other.Api();
        Assert.Equal(HttpStatusCode.NotFound, (await otherApi.GetAsync($"/api/v1/imports/{Str(job, "id")}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherApi.GetAsync($"/api/v1/imports/{Str(job, "id")}/rejected")).StatusCode);
    }

    public static async Task<JsonElement> ImportAndWaitAsync(HttpClient api, byte[] file, string name)
    {
        var response = await PostFileAsync(api, file, name);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var status = await api.GetFromJsonAsync<JsonElement>($"/api/v1/imports/{id}");
            if (Str(status, "status") is "completed" or "failed") return status;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Import {id} did not finish: {status}");
            await Task.Delay(200);
        }
    }

    public static Task<HttpResponseMessage> PostFileAsync(HttpClient api, byte[] file, string name, string? sourceChannel = null)
    {
        var content = new MultipartFormDataContent();
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        content.Add(part, "file", name);
        if (sourceChannel is not null) content.Add(new StringContent(sourceChannel), "sourceChannel");
        return api.PostAsync("/api/v1/imports", content);
    }

    private static async Task AssertFieldErrorAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out var messages), body.ToString());
        Assert.False(string.IsNullOrWhiteSpace(messages[0].GetString()));
    }

    private static string? Str(JsonElement e, string name) => e.GetProperty(name).GetString();

    private static int Int(JsonElement e, string name) => e.GetProperty(name).GetInt32();
}
