using System.Net;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Infrastructure.Audiences;
using PhoneCrm.IntegrationTests.Infrastructure;
using static PhoneCrm.IntegrationTests.Campaigns.CampaignData;

namespace PhoneCrm.IntegrationTests.Audiences;

/// <summary>The analyst's aggregate export: counts only, rare values folded, audited.</summary>
[Collection(AppCollection.Name)]
public sealed class AggregateExportTests(AppFixture app)
{
    [Fact]
    public async Task An_analyst_downloads_counts_by_city_segment_source_consent_and_month_and_the_download_is_audited()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        for (var i = 1; i <= 6; i++) await ContactAsync(api, Phone(i), city: "Москва");
        await ContactAsync(api, Phone(7), city: "Тверь");
        await GrantAsync(api, Phone(1));
        await GrantAsync(api, Phone(2));
        await SegmentAllAsync(api);

        using var analyst = await tenant.SignInAsync(Role.Analyst);
        var response = await analyst.GetAsync("/audiences/aggregate.csv?csv=comma");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("dimension,value,contacts", lines[0]);
        Assert.Contains("city,Москва,6", lines);
        Assert.Contains("city,(other),1", lines); // Тверь alone would single a person out
        Assert.DoesNotContain(lines, l => l.Contains("Тверь", StringComparison.Ordinal));
        Assert.Contains("segment,Все,7", lines);
        Assert.Contains("source,api,7", lines);
        Assert.Contains("consent,marketing/sms/active,2", lines);
        Assert.Contains($"month,{DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(3)):yyyy-MM},7", lines);
        Assert.Equal(lines.Length, lines.Distinct().Count());

        var audited = await tenant.WithDbAsync(db => Task.FromResult(db.AuditLog.Count(a => a.EntityType == AggregateExport.AuditEntity && a.Action == AuditActions.Export)));
        Assert.Equal(1, audited);
    }
}
