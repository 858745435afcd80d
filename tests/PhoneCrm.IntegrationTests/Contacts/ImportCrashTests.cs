using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Bench.Data;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Contacts;

/// <summary>kill -9 of the app in the middle of an import, then a restart: nothing lost, nothing counted twice.</summary>
[Collection(AppCollection.Name)]
public sealed class ImportCrashTests(AppFixture app)
{
    private static readonly Dictionary<string, string> _fastRecovery = new()
    {
        ["Imports__RecoveryIntervalSeconds"] = "1",
        ["Imports__StaleAfterSeconds"] = "2",
        ["Jobs__WorkerCount"] = "2",
    };

    [Fact]
    public async Task A_killed_import_resumes_after_restart_with_exact_counts()
    {
        var tenant = await app.CreateTenantAsync();
        using var file = new MemoryStream();
        var expected = ImportBenchData.Generate(file, 120_000, seed: 11);

        string importId;
        await using (var first = await WebProcess.StartAsync(app.Factory, _fastRecovery))
        {
            using var api = first.Client(tenant.ApiKey);
            var response = await ImportsApiTests.PostFileAsync(api, file.ToArray(), "big.csv");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            importId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (true)
            {
                var status = await api.GetFromJsonAsync<JsonElement>($"/api/v1/imports/{importId}");
                Assert.NotEqual("completed", status.GetProperty("status").GetString()); // must be killed mid-way
                if (status.GetProperty("processedRows").GetInt32() >= 10_000) break;
                Assert.True(DateTime.UtcNow < deadline, "the import did not start");
                await Task.Delay(25);
            }

            first.KillHard();
        }

        var midway = await tenant.WithDbAsync(db => db.Set<ImportJob>().AsNoTracking().SingleAsync(i => i.Id == Guid.Parse(importId)));
        Assert.Equal(ImportStatus.Running, midway.Status);
        Assert.InRange(midway.ProcessedRows, 10_000, expected.Rows - 1);

        await using (var second = await WebProcess.StartAsync(app.Factory, _fastRecovery))
        {
            using var api = second.Client(tenant.ApiKey);
            var final = await WaitAsync(api, importId);
            Assert.Equal(("completed", expected.Rows, expected.Rows), (final.GetProperty("status").GetString(),
                final.GetProperty("totalRows").GetInt32(), final.GetProperty("processedRows").GetInt32()));
            Assert.Equal((expected.ValidUnique, 0, expected.Duplicates, expected.Junk),
                (final.GetProperty("created").GetInt32(), final.GetProperty("updated").GetInt32(),
                 final.GetProperty("duplicates").GetInt32(), final.GetProperty("rejected").GetInt32()));
        }

        Assert.Equal(expected.ValidUnique, await tenant.WithDbAsync(db => db.Set<Contact>().CountAsync()));
        Assert.Equal(expected.Junk, await tenant.WithDbAsync(db => db.Set<ImportRejection>().CountAsync()));
    }

    private static async Task<JsonElement> WaitAsync(HttpClient api, string importId)
    {
        var deadline = DateTime.UtcNow.AddMinutes(4);
        while (true)
        {
            var status = await api.GetFromJsonAsync<JsonElement>($"/api/v1/imports/{importId}");
            if (status.GetProperty("status").GetString() is "completed" or "failed") return status;
            Assert.True(DateTime.UtcNow < deadline, $"the import did not finish after restart: {status}");
            await Task.Delay(250);
        }
    }
}
