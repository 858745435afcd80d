using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Infrastructure.Audiences;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.IntegrationTests.Infrastructure;
using static PhoneCrm.IntegrationTests.Campaigns.CampaignData;

namespace PhoneCrm.IntegrationTests.Audiences;

/// <summary>api-v1 "Ad audiences": who is in the file, the formats byte for byte, status, audit, access report, tenant walls.</summary>
[Collection(AppCollection.Name)]
public sealed class AudienceExportApiTests(AppFixture app)
{
    // SHA-256 of the digits-only E.164 numbers, computed by hand: printf %s 79161234567 | sha256sum
    private const string HashA = "1210f4f193f6032e91cd7117a785a1be09550d79076c4717cdae4c0c45691a30"; // +79161234567
    private const string HashB = "c87592fe2bdafabae6b8b4743c874ae2405b5cb9cfc79a9079a7084dfd6ed980"; // +79031112233
    private const string HashC = "90414aaba906befb17734b4ca6d6014161b5f70635a528cb362c416ddca199df"; // +79265554433

    /// <summary>Three consented members, one without the consent, one consented but suppressed by STOP, one erased.</summary>
    private async Task<string> AudienceAsync(TestTenant tenant, HttpClient api)
    {
        foreach (var phone in new[] { "8 (916) 123-45-67", "+7 903 111-22-33", "+79265554433" })
        {
            await ContactAsync(api, phone);
            await GrantAsync(api, phone, purpose: "ad_audiences");
        }

        await ContactAsync(api, "+79990001122"); // no ad_audiences consent
        await GrantAsync(api, "+79990001122"); // marketing only
        await ContactAsync(api, "+79990001133");
        await GrantAsync(api, "+79990001133", purpose: "ad_audiences");
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync("/api/v1/sms/inbound",
            new { from = "+79990001133", to = "PhoneCrm", text = "СТОП", receivedAt = DateTimeOffset.UtcNow })).StatusCode);
        var erased = Guid.Parse(await ContactAsync(api, "+79990001144"));
        await GrantAsync(api, "+79990001144", purpose: "ad_audiences");
        await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<ContactErasure>()
            .EraseAsync(erased, PhoneCrm.Domain.Requests.DestructionReason.SubjectRequest, null, CancellationToken.None));
        return await SegmentAllAsync(api);
    }

    private static async Task<(string Id, JsonElement Status)> ExportAsync(HttpClient api, string segmentId, string format)
    {
        var response = await api.PostAsJsonAsync("/api/v1/audiences/exports", new { segmentId, format });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var status = await api.GetFromJsonAsync<JsonElement>($"/api/v1/audiences/exports/{id}");
            var s = status.GetProperty("status").GetString();
            if (s is "completed" or "failed") return (id, status);
            Assert.True(DateTime.UtcNow < deadline, $"the export did not finish: {status}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task The_file_holds_exactly_the_hashes_of_the_consented_unsuppressed_members_in_each_format_byte_for_byte()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var segmentId = await AudienceAsync(tenant, api);
        string[] expected = [HashA, HashB, HashC];

        foreach (var format in new[] { "meta", "yandex", "vk" })
        {
            var (id, status) = await ExportAsync(api, segmentId, format);
            var error = await tenant.WithDbAsync(db => Task.FromResult(db.AudienceExports.Single(e => e.Id == Guid.Parse(id)).Error));
            Assert.Null(error);
            Assert.Equal(("completed", 3), (status.GetProperty("status").GetString(), status.GetProperty("count").GetInt32()));
            Assert.Equal(id, status.GetProperty("id").GetString());

            var response = await api.GetAsync($"/api/v1/audiences/exports/{id}/file");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.False(bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF, "no BOM");
            var text = System.Text.Encoding.UTF8.GetString(bytes);
            Assert.DoesNotContain('\r', text);
            Assert.EndsWith("\n", text, StringComparison.Ordinal);
            var lines = text[..^1].Split('\n');
            var hashes = format == "vk" ? lines : lines[1..];
            if (format != "vk") Assert.Equal("phone", lines[0]);
            Assert.Equal(expected.Order(StringComparer.Ordinal), hashes.Order(StringComparer.Ordinal));
            // Byte-exact: the header (or none) and 64 lowercase hex digits plus \n per member, nothing else.
            Assert.Equal((format == "vk" ? 0 : "phone\n".Length) + 3 * 65, bytes.Length);
        }
    }

    [Fact]
    public async Task The_export_is_audited_with_its_count_and_the_access_report_names_the_platform()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var contactId = Guid.Parse(await ContactAsync(api, "+79161234567"));
        await GrantAsync(api, "+79161234567", purpose: "ad_audiences");
        var (id, _) = await ExportAsync(api, await SegmentAllAsync(api), "vk");

        var audited = await tenant.WithDbAsync(db => Task.FromResult(db.AuditLog
            .Where(a => a.EntityType == AudienceExports.AuditEntity && a.Action == AuditActions.Export && a.EntityIds == id).Select(a => a.Details).ToList()));
        Assert.Contains(audited, d => d!.EndsWith("count=1", StringComparison.Ordinal));

        var report = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<AccessReports>().BuildAsync(contactId, CancellationToken.None));
        var platform = Assert.Single(report.Recipients.AdPlatforms);
        Assert.Equal(("VK Ads", 1), (platform.Name, platform.Count));
    }

    [Fact]
    public async Task Bad_input_is_400_and_another_tenants_export_is_404()
    {
        var tenant = await app.CreateTenantAsync();
        var other = await app.CreateTenantAsync();
        using var api = tenant.Api();
        using var otherApi = other.Api();
        var segmentId = await SegmentAllAsync(api);

        var badFormat = await api.PostAsJsonAsync("/api/v1/audiences/exports", new { segmentId, format = "tiktok" });
        Assert.Equal(HttpStatusCode.BadRequest, badFormat.StatusCode);
        Assert.True((await badFormat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("format", out _));
        var foreignSegment = await otherApi.PostAsJsonAsync("/api/v1/audiences/exports", new { segmentId, format = "meta" });
        Assert.Equal(HttpStatusCode.BadRequest, foreignSegment.StatusCode);
        Assert.True((await foreignSegment.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("segmentId", out _));

        var (id, _) = await ExportAsync(api, segmentId, "meta");
        Assert.Equal(HttpStatusCode.NotFound, (await otherApi.GetAsync($"/api/v1/audiences/exports/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherApi.GetAsync($"/api/v1/audiences/exports/{id}/file")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/audiences/exports/{Guid.NewGuid()}")).StatusCode);
    }
}
