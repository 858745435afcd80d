using System.Net;
using System.Net.Http.Headers;
using System.Text;
using PhoneCrm.Domain.Access;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Contacts;

[Collection(AppCollection.Name)]
public sealed class ImportMappingTests(AppFixture app)
{
    private static async Task<(Guid Id, string MapPath)> UploadAsync(UiSession ui)
    {
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(Encoding.UTF8.GetBytes("Телефон;Имя;Почта\n+79161230001;Анна;anna@example.ru\n"));
        part.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(part, "file", "clients.csv");
        form.Add(new StringContent(await ui.TokenAsync("/contacts/import")), "__RequestVerificationToken");
        var uploaded = await ui.Client.PostAsync("/contacts/import", form);
        Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);
        var mapPath = uploaded.Headers.Location!.OriginalString;
        return (Guid.Parse(mapPath.Split('/')[3]), mapPath);
    }

    [Fact]
    public async Task A_mapping_without_the_phone_or_with_one_column_twice_is_refused_and_the_draft_stays()
    {
        var tenant = await app.CreateTenantAsync();
        var ui = await tenant.SignInAsync(Role.Marketer);
        var (id, mapPath) = await UploadAsync(ui);

        var noPhone = await ui.PostFormAsync($"/contacts/import/{id}/start",
            new() { ["map[phone]"] = "-1", ["map[first_name]"] = "1" }, mapPath);
        Assert.Equal(HttpStatusCode.BadRequest, noPhone.StatusCode);
        Assert.Contains("Укажите столбец с номерами телефонов.", await noPhone.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var twice = await ui.PostFormAsync($"/contacts/import/{id}/start",
            new() { ["map[phone]"] = "0", ["map[first_name]"] = "0" }, mapPath);
        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
        Assert.Contains("Этот столбец файла уже выбран для другого поля.", await twice.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var outside = await ui.PostFormAsync($"/contacts/import/{id}/start", new() { ["map[phone]"] = "7" }, mapPath);
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);

        var status = await tenant.WithDbAsync(db => Task.FromResult(db.Set<PhoneCrm.Domain.Contacts.Imports.ImportJob>().Single(j => j.Id == id).Status));
        Assert.Equal(PhoneCrm.Domain.Contacts.Imports.ImportStatus.Draft, status);

        var started = await ui.PostFormAsync($"/contacts/import/{id}/start",
            new() { ["map[phone]"] = "0", ["map[first_name]"] = "1", ["map[email]"] = "2" }, mapPath);
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
    }
}
