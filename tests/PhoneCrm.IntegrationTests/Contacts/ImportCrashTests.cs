using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Bench.Data;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Contacts.Imports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using PhoneCrm.Infrastructure.Contacts.Import;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Imports;
using PhoneCrm.Infrastructure.Protection;
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

    [Fact]
    public async Task A_batch_failing_after_a_later_one_committed_is_redone_and_the_later_one_skipped_on_resume()
    {
        var tenant = await app.CreateTenantAsync();
        using var file = new MemoryStream();
        var expected = ImportBenchData.Generate(file, 3 * ContactImportHandler.BatchSize, seed: 12);
        var importId = await app.InTenantAsync(tenant.Id, async sp =>
        {
            var (job, errors) = await sp.GetRequiredService<ImportService>().UploadAsync("three-batches.csv", new MemoryStream(file.ToArray()),
                null, null, null, startNow: false, CancellationToken.None);
            Assert.True(errors.IsValid, errors.ToString());
            var db = sp.GetRequiredService<PhoneCrmDbContext>();
            await db.Set<ImportJob>().Where(i => i.Id == job!.Id).ExecuteUpdateAsync(u => u.SetProperty(i => i.Status, ImportStatus.Queued));
            return job!.Id;
        });

        // Two writers; the first batch fails only once the second has committed (a crash of one writer while the other
        // got further), and the third may or may not commit before the run stops.
        var crash = await Assert.ThrowsAsync<InvalidOperationException>(() => app.InTenantAsync(tenant.Id, async sp =>
        {
            var real = sp.GetServices<IImportRowHandler>().Single(h => h.Kind == ImportKinds.Contacts);
            var config = new ConfigurationBuilder().AddInMemoryCollection([new("Imports:Writers", "2")]).Build();
            var run = new ImportRun(sp.GetRequiredService<PhoneCrmDbContext>(), sp.GetRequiredService<ImportFileStore>(),
                [new FirstBatchFailsLate(real, () => CommittedBatchesAsync(tenant, importId))], sp.GetRequiredService<PiiProtector>(),
                config, NullLogger<ImportRun>.Instance);
            await run.RunAsync(importId);
            return 0;
        }));
        Assert.Equal(FirstBatchFailsLate.Message, crash.Message);

        var midway = await tenant.WithDbAsync(db => db.Set<ImportJob>().AsNoTracking().SingleAsync(i => i.Id == importId));
        var committed = await tenant.WithDbAsync(db => db.Set<ImportCommittedBatch>().AsNoTracking().Where(b => b.ImportId == importId)
            .OrderBy(b => b.FirstLine).ToListAsync());
        Assert.Equal(ImportStatus.Running, midway.Status);
        Assert.Equal(1, midway.LastLine); // nothing of the first batch
        Assert.NotEmpty(committed);
        Assert.DoesNotContain(committed, b => b.FirstLine == 2);
        Assert.Equal(committed.Count * ContactImportHandler.BatchSize, midway.ProcessedRows);

        await app.InTenantAsync(tenant.Id, async sp =>
        {
            await sp.GetRequiredService<ImportRun>().RunAsync(importId);
            return 0;
        });

        var final = await tenant.WithDbAsync(db => db.Set<ImportJob>().AsNoTracking().SingleAsync(i => i.Id == importId));
        Assert.Equal((ImportStatus.Completed, expected.Rows, expected.Rows), (final.Status, final.TotalRows, final.ProcessedRows));
        Assert.Equal((expected.ValidUnique, 0, expected.Duplicates, expected.Junk), (final.Created, final.Updated, final.Duplicates, final.Rejected));
        Assert.True(final.LastLine > expected.Rows, $"checkpoint at line {final.LastLine} after completion"); // some records span two lines
        Assert.Equal(0, await CommittedBatchesAsync(tenant, importId));
        Assert.Equal(expected.ValidUnique, await tenant.WithDbAsync(db => db.Set<Contact>().CountAsync()));
        Assert.Equal(expected.Junk, await tenant.WithDbAsync(db => db.Set<ImportRejection>().CountAsync()));
    }

    private static Task<int> CommittedBatchesAsync(TestTenant tenant, Guid importId) =>
        tenant.WithDbAsync(db => db.Set<ImportCommittedBatch>().CountAsync(b => b.ImportId == importId));

    /// <summary>The contact handler, except that its first batch waits until another batch has committed, then fails.</summary>
    private sealed class FirstBatchFailsLate(IImportRowHandler real, Func<Task<int>> committedBatches) : IImportRowHandler
    {
        public const string Message = "the first batch's writer crashed";

        public string Kind => real.Kind;
        public bool BatchesCommute => real.BatchesCommute;
        public IReadOnlyList<string> Columns => real.Columns;
        public IReadOnlyList<string> RequiredColumns => real.RequiredColumns;
        public IReadOnlyList<string> WrittenTables => real.WrittenTables;
        public IReadOnlyDictionary<string, int> Detect(IReadOnlyList<string> header) => real.Detect(header);
        public string? CheckHeader(IReadOnlyList<string> header) => real.CheckHeader(header);

        public async Task<IImportBatches> BeginAsync(ImportJob job, IReadOnlyList<string> header, CancellationToken ct) =>
            new Batches(await real.BeginAsync(job, header, ct), committedBatches);

        private sealed class Batches(IImportBatches real, Func<Task<int>> committedBatches) : IImportBatches
        {
            private int _prepared;

            public IEnumerable<IReadOnlyList<SourceRow>> Split(IEnumerable<SourceRow> rows) => real.Split(rows);
            public void Replay(IReadOnlyList<SourceRow> committed) => real.Replay(committed);

            public IImportBatch Prepare(IReadOnlyList<SourceRow> rows)
            {
                var batch = real.Prepare(rows);
                return ++_prepared == 1 ? new FailsLate(committedBatches) : batch;
            }
        }

        private sealed class FailsLate(Func<Task<int>> committedBatches) : IImportBatch
        {
            public async Task<ImportBatchCounts> WriteAsync(Npgsql.NpgsqlConnection connection, CancellationToken ct)
            {
                var deadline = DateTime.UtcNow.AddMinutes(1);
                while (await committedBatches() == 0)
                {
                    Assert.True(DateTime.UtcNow < deadline, "no other batch committed while the first was open");
                    await Task.Delay(50, ct);
                }

                throw new InvalidOperationException(Message);
            }
        }
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
