using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Imports;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Contacts;

/// <summary>Issue 12 item 5: uploaded files at rest — sealed chunks, deleted when done, expired when never started, no zip bombs.</summary>
[Collection(AppCollection.Name)]
public sealed class ImportFilesAtRestTests(AppFixture app)
{
    [Fact]
    public async Task After_an_import_completes_a_pg_dump_holds_none_of_the_files_values_in_utf8_or_windows_1251_raw_or_hex()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var tag = Guid.NewGuid().ToString("N")[..6];
        string[] values = [$"Пафнутий{tag}", $"Ферапонтова{tag}", $"pafnuty.{tag}@example.org", $"Евлампия{tag}", $"evlampia.{tag}@example.org"];
        var utf8 = Encoding.UTF8.GetBytes($"phone,first_name,last_name,email\r\n+79164832719,{values[0]},{values[1]},{values[2]}\r\n");
        var cp1251 = ImportsApiTests.Windows1251($"phone;first_name;email\r\n+79164832720;{values[3]};{values[4]}\r\n");

        // While an upload waits (the wizard's mapping step), its chunks are ciphertext.
        var draft = await app.InTenantAsync(tenant.Id, async sp => (await sp.GetRequiredService<ImportService>()
            .UploadAsync(ImportKinds.Contacts, "draft.csv", new MemoryStream(utf8), null, null, null, startNow: false, default)).Job!.Id);
        var sealedChunk = await tenant.WithDbAsync(db => db.Database
            .SqlQuery<byte[]>($"SELECT data AS \"Value\" FROM import_file_chunks WHERE import_id = {draft}").SingleAsync());
        Assert.DoesNotContain(values[0], Encoding.UTF8.GetString(sealedChunk), StringComparison.Ordinal);

        foreach (var (file, name) in new[] { (utf8, "utf8.csv"), (cp1251, "cp1251.csv") })
        {
            var job = await ImportsApiTests.ImportAndWaitAsync(api, file, name);
            Assert.Equal("completed", job.GetProperty("status").GetString());
            Assert.Equal(1, job.GetProperty("created").GetInt32());
            var id = Guid.Parse(job.GetProperty("id").GetString()!);
            Assert.Equal(0, await tenant.WithDbAsync(db => db.Database
                .SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM import_file_chunks WHERE import_id = {id}").SingleAsync()));
        }

        // The draft's plaintext never left the web request; expire it too, then dump everything.
        await tenant.WithDbAsync(db => db.Set<ImportJob>().Where(i => i.Id == draft)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.CreatedAt, DateTimeOffset.UtcNow.AddHours(-25))));
        var expiry = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<ImportFilesExpiryJob>().RunTenantAsync(tenant.Id, default));
        Assert.True(expiry.Details!["expiredUploads"] >= 1 && expiry.Details["chunksDeleted"] >= 1);

        var dump = await PgDumpAsync();
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var win1251 = Encoding.GetEncoding(1251);
        foreach (var value in values)
        {
            foreach (var bytes in new[] { Encoding.UTF8.GetBytes(value), win1251.GetBytes(value) })
            {
                Assert.True(dump.AsSpan().IndexOf(bytes) < 0, $"'{value}' raw in the dump");
                Assert.True(dump.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(bytes))) < 0, $"'{value}' as hex in the dump");
            }
        }
    }

    [Fact]
    public async Task A_zip_bomb_workbook_is_refused_with_a_clear_error_and_the_process_does_not_balloon()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var bomb = ZipBomb();
        Assert.True(bomb.Length < 2 << 20, $"{bomb.Length} bytes");

        using var process = Process.GetCurrentProcess();
        GC.Collect();
        var before = process.WorkingSet64;
        var content = new MultipartFormDataContent();
        var part = new ByteArrayContent(bomb);
        part.Headers.ContentType = new("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        content.Add(part, "file", "contacts.xlsx");
        var response = await api.PostAsync("/api/v1/imports", content);
        process.Refresh();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("file")[0].GetString();
        Assert.Contains("zip bomb", error, StringComparison.Ordinal);
        Assert.True(process.PeakWorkingSet64 - before < 300L << 20 || process.WorkingSet64 - before < 300L << 20,
            $"grew by {(process.WorkingSet64 - before) >> 20} MiB");
    }

    /// <summary>A workbook whose sheet is 1 GiB of zeros that compresses to about 1 MiB.</summary>
    private static byte[] ZipBomb()
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var types = new StreamWriter(zip.CreateEntry("[Content_Types].xml").Open()))
                types.Write("<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>");
            using var sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 1024; i++) sheet.Write(zeros);
        }

        return output.ToArray();
    }

    private async Task<byte[]> PgDumpAsync()
    {
        var cs = new NpgsqlConnectionStringBuilder(app.Factory.ConnectionString);
        // The app's login is under forced row-level security; a dump is taken as the cluster's superuser (same password
        // in the private test cluster), which sees every tenant's rows as a backup would.
        if (cs.Username == EmbeddedPostgres.OwnerUser) cs.Username = EmbeddedPostgres.SuperUser;
        var file = Path.Combine(Path.GetTempPath(), $"phonecrm-dump-{Guid.NewGuid():N}.sql");
        var psi = new ProcessStartInfo("pg_dump", ["-h", cs.Host!, "-p", cs.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-U", cs.Username!, "-d", cs.Database!, "-f", file, "--no-owner"]) { RedirectStandardError = true };
        if (!string.IsNullOrEmpty(cs.Password)) psi.Environment["PGPASSWORD"] = cs.Password;
        using var dump = Process.Start(psi)!;
        var stderr = await dump.StandardError.ReadToEndAsync();
        await dump.WaitForExitAsync();
        Assert.True(dump.ExitCode == 0, stderr);
        try
        {
            return await File.ReadAllBytesAsync(file);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
