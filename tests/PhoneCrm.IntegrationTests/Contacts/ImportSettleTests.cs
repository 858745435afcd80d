using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PhoneCrm.Infrastructure.Imports;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Contacts;

/// <summary>A large import leaves the tables it wrote vacuumed and analysed (issue 18 item 0); a small one leaves them to autovacuum.</summary>
[Collection(AppCollection.Name)]
public sealed class ImportSettleTests(AppFixture app)
{
    [Fact]
    public async Task A_completed_import_over_the_threshold_vacuums_and_analyses_its_tables_and_a_smaller_one_does_not()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var file = Encoding.UTF8.GetBytes("phone;first_name\n+79161110001;Анна\n+79161110002;Борис\n+79161110003;Вера\n");
        var import = await ImportsApiTests.ImportAndWaitAsync(api, file, "three.csv");
        Assert.Equal("completed", import.GetProperty("status").GetString());
        var importId = import.GetProperty("id").GetGuid();

        var before = await CountsAsync();
        Assert.False(await SettleAsync(tenant, importId, settleAfterRows: 4));
        Assert.Equal(before, await CountsAsync());

        Assert.True(await SettleAsync(tenant, importId, settleAfterRows: 3));
        var after = await CountsAsync();
        Assert.True(after.Vacuums > before.Vacuums, $"vacuums of contacts {before.Vacuums} → {after.Vacuums}");
        Assert.True(after.Analyzes > before.Analyzes, $"analyses of contacts {before.Analyzes} → {after.Analyzes}");
    }

    private static Task<bool> SettleAsync(TestTenant tenant, Guid importId, int settleAfterRows) => tenant.App.InTenantAsync(tenant.Id, sp =>
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Imports:SettleAfterRows"] = settleAfterRows.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            .Build();
        return ActivatorUtilities.CreateInstance<ImportSettle>(sp, (IConfiguration)config).SettleAsync(importId);
    });

    /// <summary>Read as the owning login, as the settle vacuums (the app role sees no statistics of the tables).</summary>
    private async Task<(long Vacuums, long Analyzes)> CountsAsync()
    {
        await using var conn = new NpgsqlConnection(app.Factory.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT vacuum_count, analyze_count FROM pg_stat_user_tables WHERE relname = 'contacts'", conn);
        await using var row = await cmd.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        return (row.GetInt64(0), row.GetInt64(1));
    }
}
