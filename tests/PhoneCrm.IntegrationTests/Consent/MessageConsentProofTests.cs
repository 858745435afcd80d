using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.IntegrationTests.Infrastructure;
using static PhoneCrm.IntegrationTests.Campaigns.CampaignData;

namespace PhoneCrm.IntegrationTests.Consent;

/// <summary>api-v1 "Consent behind a message": each queued message records the ledger record that allowed it.</summary>
[Collection(AppCollection.Name)]
public sealed class MessageConsentProofTests(AppFixture app)
{
    [Fact]
    public async Task A_campaign_message_proves_its_grant_and_the_campaign_zip_holds_one_json_per_recipient_and_a_pdf()
    {
        var tenant = await app.CreateTenantAsync();
        var other = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await OpenWindowAsync(api, perDay: 10, informationalPerWeek: 10, promotionalPerMonth: 10);
        await GrantAsync(api, Phone(1));
        await GrantAsync(api, Phone(2));
        var campaignId = await CampaignAsync(api, await SegmentAllAsync(api));
        await StartAsync(api, campaignId);
        await WaitAsync(api, campaignId);
        var messages = await tenant.WithDbAsync(db => db.SmsMessages.Where(m => m.CampaignId == Guid.Parse(campaignId)).ToListAsync());
        Assert.Equal(2, messages.Count);
        var grants = await tenant.WithDbAsync(db => db.ConsentRecords.Where(r => r.Action == ConsentActions.Grant).ToDictionaryAsync(r => r.ContactId));
        var message = messages[0];
        var grant = grants[message.ContactId!.Value];
        Assert.Equal(grant.Id, message.ConsentRecordId);

        var proof = await api.GetFromJsonAsync<JsonElement>($"/api/v1/messages/{message.Id}/consent-proof");
        Assert.Equal(message.Id, proof.GetProperty("messageId").GetGuid());
        Assert.Equal(message.ContactId, proof.GetProperty("contactId").GetGuid());
        Assert.Equal(JsonValueKind.String, proof.GetProperty("sentAt").ValueKind);
        Assert.Equal(("campaign", "marketing", "sms"),
            (proof.GetProperty("kind").GetString(), proof.GetProperty("purpose").GetString(), proof.GetProperty("channel").GetString()));
        var record = proof.GetProperty("record");
        Assert.Equal(grant.Id, record.GetProperty("id").GetGuid());
        Assert.Equal("consent", record.GetProperty("legalBasis").GetString());
        Assert.Equal(grant.CapturedAt, record.GetProperty("grantedAt").GetDateTimeOffset());
        Assert.Equal(("web_form", "203.0.113.5"),
            (record.GetProperty("evidence").GetProperty("method").GetString(), record.GetProperty("evidence").GetProperty("ip").GetString()));
        Assert.True(record.TryGetProperty("textVersion", out _));
        Assert.True(proof.GetProperty("chainValid").GetBoolean());

        using var otherApi = other.Api();
        Assert.Equal(HttpStatusCode.NotFound, (await otherApi.GetAsync($"/api/v1/messages/{message.Id}/consent-proof")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/messages/{Guid.NewGuid()}/consent-proof")).StatusCode);

        using var marketer = await tenant.SignInAsync(Role.Marketer);
        Assert.Contains("/consent/campaign-proofs/" + campaignId, await marketer.Client.GetStringAsync($"/campaigns/{campaignId}"));
        var zipResponse = await marketer.GetAsync($"/consent/campaign-proofs/{campaignId}");
        Assert.Equal(HttpStatusCode.OK, zipResponse.StatusCode);
        Assert.Equal("application/zip", zipResponse.Content.Headers.ContentType?.MediaType);
        using var zip = new ZipArchive(new MemoryStream(await zipResponse.Content.ReadAsByteArrayAsync()));
        var expected = messages.Select(m => $"recipients/{m.ContactId}.json").Append("proof.pdf").Order(StringComparer.Ordinal);
        Assert.Equal(expected, zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        foreach (var m in messages)
        {
            using var reader = new StreamReader(zip.GetEntry($"recipients/{m.ContactId}.json")!.Open());
            var recipient = JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement;
            var only = Assert.Single(recipient.GetProperty("messages").EnumerateArray());
            Assert.Equal(m.Id, only.GetProperty("messageId").GetGuid());
            Assert.Equal(grants[m.ContactId!.Value].Id, only.GetProperty("record").GetProperty("id").GetGuid());
        }

        using (var pdf = new MemoryStream())
        {
            await using (var entry = zip.GetEntry("proof.pdf")!.Open()) await entry.CopyToAsync(pdf);
            Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(pdf.ToArray()[..5]));
        }

        // Chunks of one message cross a chunk border at every recipient: each message comes once, grouped by recipient.
        var streamed = await app.InTenantAsync(tenant.Id, async sp =>
        {
            var proofs = await sp.GetRequiredService<MessageConsentProofs>().ForCampaignAsync(Guid.Parse(campaignId), 1, CancellationToken.None);
            var list = new List<Guid>();
            await foreach (var p in proofs!.Messages) list.Add(p.MessageId);
            return list;
        });
        Assert.Equal(messages.Select(m => m.Id).Order(), streamed.Order());

        var audits = await tenant.WithDbAsync(db => db.AuditLog.Where(a => a.EntityType == "consent_proof").Select(a => a.EntityIds).ToListAsync());
        Assert.Contains(campaignId, audits);
        Assert.Contains(message.Id.ToString(), audits);
    }

    [Fact]
    public async Task A_transactional_message_proves_its_contract_basis_and_a_code_rests_on_the_persons_own_action()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await GrantAsync(api, Phone(3), purpose: "transactional", legalBasis: "contract");
        var (transactionalId, codeId, grantId, contactId) = await app.InTenantAsync(tenant.Id, async sp =>
        {
            var db = sp.GetRequiredService<PhoneCrm.Infrastructure.Database.PhoneCrmDbContext>();
            var contact = await db.Contacts.SingleAsync();
            var grantId = await db.ConsentRecords.Select(r => r.Id).SingleAsync();
            var outbox = sp.GetRequiredService<SmsOutbox>();
            var sent = await outbox.QueueAsync(new OutgoingSms(contact.Id, Phone(3), "Заказ 42 передан в доставку", "transactional",
                SmsCategories.Transactional, SmsKinds.Automation, "test:order-42"), CancellationToken.None);
            var code = await sp.GetRequiredService<SmsAnswers>().QueueAsync(contact.Id, Phone(3), "Код 1234", SmsKinds.ConsentCode, "test:code",
                CancellationToken.None);
            return (sent.Id, code!.Value, grantId, contact.Id);
        });

        var proof = await api.GetFromJsonAsync<JsonElement>($"/api/v1/messages/{transactionalId}/consent-proof");
        Assert.Equal(("automation", "transactional", "ledger_record"),
            (proof.GetProperty("kind").GetString(), proof.GetProperty("purpose").GetString(), proof.GetProperty("basis").GetString()));
        Assert.Equal(grantId, proof.GetProperty("record").GetProperty("id").GetGuid());
        Assert.Equal("contract", proof.GetProperty("record").GetProperty("legalBasis").GetString());

        var code = await api.GetFromJsonAsync<JsonElement>($"/api/v1/messages/{codeId}/consent-proof");
        Assert.Equal("recipient_action", code.GetProperty("basis").GetString());
        Assert.Equal(JsonValueKind.Null, code.GetProperty("record").ValueKind);

        // One click from the card's message row to the proof; a sales manager who does not own the contact sees neither.
        using var officer = await tenant.SignInAsync(Role.ComplianceOfficer);
        Assert.Contains($"/consent/message-proof/{transactionalId}", await officer.Client.GetStringAsync($"/contacts/{contactId}/messages"));
        var page = WebUtility.HtmlDecode(await officer.Client.GetStringAsync($"/consent/message-proof/{transactionalId}"));
        Assert.Contains(grantId.ToString(), page);
        using var sales = await tenant.SignInAsync(Role.SalesManager);
        Assert.Equal(HttpStatusCode.NotFound, (await sales.GetAsync($"/consent/message-proof/{transactionalId}")).StatusCode);
    }
}
