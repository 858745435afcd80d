using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Requests;

/// <summary>api-v1 "Data-subject requests", case by case.</summary>
[Collection(AppCollection.Name)]
public sealed partial class SubjectRequestsApiTests(AppFixture app)
{
    [GeneratedRegex(@"^DSR-\d{4}-\d{6}$")]
    private static partial Regex NumberFormat();

    private static async Task<JsonElement> CreateAsync(HttpClient api, object body)
    {
        var response = await api.PostAsJsonAsync("/api/v1/subject-requests", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static Task<JsonElement> AccessAsync(HttpClient api, string phone, string? receivedAt = null) =>
        CreateAsync(api, new { type = "access", phone, fullName = "Иван Петров", email = (string?)null, channel = "phone", receivedAt });

    private static async Task<JsonElement> ErrorsOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
    }

    [Fact]
    public async Task Intake_answers_201_with_the_number_and_the_legal_due_date()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var response = await api.PostAsJsonAsync("/api/v1/subject-requests", new
        {
            type = "access", phone = "+79161110001", fullName = "Иван Петров", email = (string?)null, channel = "phone",
            receivedAt = "2026-06-01T10:00:00+03:00",
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["id", "number", "type", "status", "dueAt"], body.EnumerateObject().Select(p => p.Name));
        Assert.Matches(NumberFormat(), body.GetProperty("number").GetString());
        Assert.Equal("DSR-2026-000001", body.GetProperty("number").GetString());
        Assert.Equal("access", body.GetProperty("type").GetString());
        Assert.Equal("received", body.GetProperty("status").GetString());
        // June 12 is a holiday: ten working days from June 2 end on June 16, 23:59:59 in Moscow.
        Assert.Equal(new DateTimeOffset(2026, 6, 16, 23, 59, 59, TimeSpan.FromHours(3)), body.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal($"/api/v1/subject-requests/{body.GetProperty("id").GetGuid()}", response.Headers.Location?.OriginalString);

        var second = await CreateAsync(api, new { type = "rectify", phone = "+79161110002", channel = "email", receivedAt = "2026-06-02T09:00:00+03:00" });
        Assert.Equal("DSR-2026-000002", second.GetProperty("number").GetString());
        var otherYear = await CreateAsync(api, new { type = "erasure", phone = "+79161110003", channel = "letter", receivedAt = "2025-12-30T09:00:00+03:00" });
        Assert.Equal("DSR-2025-000001", otherYear.GetProperty("number").GetString());
        Assert.Equal(new DateTimeOffset(2026, 1, 29, 23, 59, 59, TimeSpan.FromHours(3)), otherYear.GetProperty("dueAt").GetDateTimeOffset());
        var other = await app.CreateTenantAsync();
        using var otherApi = other.Api();
        Assert.Equal("DSR-2026-000001", (await AccessAsync(otherApi, "+79161110001", "2026-06-01T10:00:00+03:00")).GetProperty("number").GetString());
    }

    [Fact]
    public async Task A_tenants_shorter_promise_sets_the_due_date_and_a_longer_one_is_refused()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var refused = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<SubjectRequests>().SaveSettingsAsync(11, null, null, null));
        Assert.True(refused.Has("accessDays"));
        var saved = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<SubjectRequests>().SaveSettingsAsync(3, null, 10, null));
        Assert.True(saved.IsValid);

        var access = await AccessAsync(api, "+79161110090", "2026-06-01T10:00:00+03:00");
        var erasure = await CreateAsync(api, new { type = "erasure", phone = "+79161110091", channel = "letter", receivedAt = "2026-06-01T10:00:00+03:00" });

        Assert.Equal(new DateTimeOffset(2026, 6, 4, 23, 59, 59, TimeSpan.FromHours(3)), access.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 6, 11, 23, 59, 59, TimeSpan.FromHours(3)), erasure.GetProperty("dueAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Invalid_intake_is_400_naming_each_field_and_records_nothing()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();

        var errors = await ErrorsOf(await api.PostAsJsonAsync("/api/v1/subject-requests", new
        {
            type = "delete_me", phone = "12", channel = "pigeon", email = "not-an-email", receivedAt = "2099-01-01T00:00:00Z",
            fullName = new string('я', 201),
        }));
        foreach (var field in new[] { "type", "phone", "channel", "email", "receivedAt", "fullName" })
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");

        var nobody = await ErrorsOf(await api.PostAsJsonAsync("/api/v1/subject-requests", new { type = "access", channel = "phone" }));
        Assert.True(nobody.TryGetProperty("phone", out _));
        Assert.False(nobody.TryGetProperty("type", out _));

        Assert.Equal(0, await tenant.WithDbAsync(db => db.SubjectRequests.CountAsync()));
    }

    [Fact]
    public async Task Execute_before_verification_is_409_then_verify_and_execute_withdraw_all()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        const string phone = "+79161110010";
        foreach (var purpose in new[] { "marketing", "surveys" })
        {
            var granted = await api.PostAsJsonAsync("/api/v1/consents", new
            {
                phone, purpose, channel = "sms", legalBasis = "consent", evidence = new { method = "web_form" },
            });
            Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        }

        var created = await CreateAsync(api, new { type = "withdraw_all", phone = "8 (916) 111-00-10", channel = "phone" });
        var id = created.GetProperty("id").GetGuid();

        var early = await api.PostAsync($"/api/v1/subject-requests/{id}/execute", null);
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Equal("application/problem+json", early.Content.Headers.ContentType?.MediaType);

        var badMethod = await ErrorsOf(await api.PostAsJsonAsync($"/api/v1/subject-requests/{id}/verify", new { method = "telepathy" }));
        Assert.True(badMethod.TryGetProperty("method", out _));
        var verified = await api.PostAsJsonAsync($"/api/v1/subject-requests/{id}/verify", new { method = "callback", note = "called back the number" });
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        var afterVerify = await verified.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("verified", afterVerify.GetProperty("status").GetString());
        Assert.Equal("callback", afterVerify.GetProperty("verification").GetProperty("method").GetString());

        var executed = await api.PostAsync($"/api/v1/subject-requests/{id}/execute", null);
        Assert.Equal(HttpStatusCode.OK, executed.StatusCode);
        var done = await api.GetFromJsonAsync<JsonElement>($"/api/v1/subject-requests/{id}");
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, done.GetProperty("completedAt").ValueKind);
        Assert.Equal("+79161110010", done.GetProperty("phone").GetString());
        Assert.NotEqual(JsonValueKind.Null, done.GetProperty("contactId").ValueKind);

        var number = created.GetProperty("number").GetString();
        var withdrawals = await tenant.WithDbAsync(db => db.ConsentRecords.Where(r => r.Action == "withdraw").ToListAsync());
        Assert.Equal(2, withdrawals.Count);
        Assert.All(withdrawals, w =>
        {
            Assert.Equal("subject_request", w.Method);
            Assert.Equal($"subject request {number}", w.PaperReference);
        });
        var states = await tenant.WithDbAsync(db => db.ConsentStates.Select(s => s.Status).ToListAsync());
        Assert.Equal(["withdrawn", "withdrawn"], states);

        Assert.Equal(HttpStatusCode.Conflict, (await api.PostAsync($"/api/v1/subject-requests/{id}/execute", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await api.PostAsJsonAsync($"/api/v1/subject-requests/{id}/reject", new { reason = "late" })).StatusCode);
    }

    [Fact]
    public async Task An_executed_access_request_carries_the_report_and_a_stranger_is_told_nothing_is_held()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        const string phone = "+79161110015";
        var granted = await api.PostAsJsonAsync("/api/v1/consents", new
        {
            phone, purpose = "marketing", channel = "sms", legalBasis = "consent", evidence = new { method = "web_form" },
        });
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        var known = (await AccessAsync(api, phone)).GetProperty("id").GetGuid();
        var stranger = (await AccessAsync(api, "+79161110016")).GetProperty("id").GetGuid();

        foreach (var id in new[] { known, stranger })
        {
            await api.PostAsJsonAsync($"/api/v1/subject-requests/{id}/verify", new { method = "sms_code" });
            Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/v1/subject-requests/{id}/execute", null)).StatusCode);
        }

        var report = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/subject-requests/{known}")).GetProperty("report");
        Assert.True(report.GetProperty("held").GetBoolean());
        Assert.Equal(phone, report.GetProperty("subject").GetProperty("phone").GetString());
        Assert.Equal("marketing", report.GetProperty("consents")[0].GetProperty("purpose").GetString());
        var nothing = await api.GetFromJsonAsync<JsonElement>($"/api/v1/subject-requests/{stranger}");
        Assert.Equal("completed", nothing.GetProperty("status").GetString());
        Assert.False(nothing.GetProperty("report").GetProperty("held").GetBoolean());
        Assert.Contains("не обрабатываются", nothing.GetProperty("notices")[1].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_executed_erasure_carries_its_act_and_the_person_is_gone_from_the_contacts_and_the_requests()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        const string phone = "+79161110017";
        var granted = await api.PostAsJsonAsync("/api/v1/consents", new
        {
            phone, purpose = "marketing", channel = "sms", legalBasis = "consent", evidence = new { method = "web_form" },
        });
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        var earlier = (await AccessAsync(api, phone)).GetProperty("id").GetGuid();
        var id = (await CreateAsync(api, new { type = "erasure", phone, fullName = "Иван Петров", channel = "phone" })).GetProperty("id").GetGuid();
        var stranger = (await CreateAsync(api, new { type = "erasure", phone = "+79161110018", fullName = "Никто", channel = "letter" })).GetProperty("id").GetGuid();

        foreach (var request in new[] { id, stranger })
        {
            await api.PostAsJsonAsync($"/api/v1/subject-requests/{request}/verify", new { method = "document" });
            var executed = await api.PostAsync($"/api/v1/subject-requests/{request}/execute", null);
            Assert.Equal(HttpStatusCode.OK, executed.StatusCode);
        }

        var done = await api.GetFromJsonAsync<JsonElement>($"/api/v1/subject-requests/{id}");
        Assert.Equal("completed", done.GetProperty("status").GetString());
        var act = done.GetProperty("destructionActId").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/v1/destruction-acts/{act}")).StatusCode);
        Assert.Equal(JsonValueKind.Null, done.GetProperty("phone").ValueKind);
        Assert.Equal(JsonValueKind.Null, done.GetProperty("fullName").ValueKind);
        // The final notice went out before the number was forgotten.
        Assert.Equal("sms_queued", done.GetProperty("notices")[1].GetProperty("delivery").GetString());
        var contacts = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts?phone={Uri.EscapeDataString(phone)}");
        Assert.Empty(contacts.GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, (await api.GetFromJsonAsync<JsonElement>($"/api/v1/subject-requests/{earlier}")).GetProperty("phone").ValueKind);

        var tombstoned = await api.GetFromJsonAsync<JsonElement>($"/api/v1/subject-requests/{stranger}");
        Assert.Equal("completed", tombstoned.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, tombstoned.GetProperty("destructionActId").ValueKind);
    }

    [Fact]
    public async Task Rectify_is_completed_with_the_note_of_what_was_corrected()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var id = (await CreateAsync(api, new { type = "rectify", phone = "+79161110020", channel = "chat" })).GetProperty("id").GetGuid();
        await api.PostAsJsonAsync($"/api/v1/subject-requests/{id}/verify", new { method = "document" });

        var noNote = await ErrorsOf(await api.PostAsync($"/api/v1/subject-requests/{id}/execute", null));
        Assert.True(noNote.TryGetProperty("note", out _));

        var executed = await api.PostAsJsonAsync($"/api/v1/subject-requests/{id}/execute", new { note = "Surname corrected: Петров → Петрова" });
        Assert.Equal(HttpStatusCode.OK, executed.StatusCode);
        var done = await executed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal("Surname corrected: Петров → Петрова", done.GetProperty("resolution").GetString());
        // A chat request is answered by staff: both notices are recorded on the request, none sent by SMS.
        var notices = done.GetProperty("notices").EnumerateArray().ToList();
        Assert.Equal(["acknowledgement", "final"], notices.Select(n => n.GetProperty("kind").GetString()));
        Assert.All(notices, n => Assert.Equal("recorded", n.GetProperty("delivery").GetString()));
        Assert.Contains("уточнены", notices[1].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reject_needs_a_reason_and_tells_the_person_by_sms()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var id = (await AccessAsync(api, "+79161110030")).GetProperty("id").GetGuid();

        var noReason = await ErrorsOf(await api.PostAsJsonAsync($"/api/v1/subject-requests/{id}/reject", new { reason = " " }));
        Assert.True(noReason.TryGetProperty("reason", out _));

        var rejected = await api.PostAsJsonAsync($"/api/v1/subject-requests/{id}/reject", new { reason = "Identity not confirmed" });

        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        var body = await rejected.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("rejected", body.GetProperty("status").GetString());
        Assert.Equal("Identity not confirmed", body.GetProperty("rejectionReason").GetString());
        var notices = body.GetProperty("notices").EnumerateArray().ToList();
        Assert.Equal(["acknowledgement", "final"], notices.Select(n => n.GetProperty("kind").GetString()));
        Assert.All(notices, n => Assert.Equal("sms_queued", n.GetProperty("delivery").GetString()));
        var messages = await tenant.WithDbAsync(db => db.SmsMessages.Where(m => m.Kind == SmsKinds.SubjectRequestNotice).ToListAsync());
        Assert.Equal(2, messages.Count);
        Assert.All(messages, m => Assert.Equal("transactional", m.Category));
    }

    [Fact]
    public async Task An_access_request_is_extended_once_by_five_working_days()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var id = (await AccessAsync(api, "+79161110040", "2026-06-01T10:00:00+03:00")).GetProperty("id").GetGuid();

        var extended = await api.PostAsJsonAsync($"/api/v1/subject-requests/{id}/extend", new { reason = "Archive records must be searched" });

        Assert.Equal(HttpStatusCode.OK, extended.StatusCode);
        var body = await extended.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(new DateTimeOffset(2026, 6, 23, 23, 59, 59, TimeSpan.FromHours(3)), body.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.Conflict, (await api.PostAsJsonAsync($"/api/v1/subject-requests/{id}/extend", new { reason = "more" })).StatusCode);
    }

    [Fact]
    public async Task The_list_filters_by_status_and_overdue_and_pages_by_cursor()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var overdue = (await AccessAsync(api, "+79161110050", "2026-06-01T10:00:00+03:00")).GetProperty("id").GetGuid();
        var fresh = (await AccessAsync(api, "+79161110051")).GetProperty("id").GetGuid();
        var rejected = (await AccessAsync(api, "+79161110052", "2026-05-01T10:00:00+03:00")).GetProperty("id").GetGuid();
        await api.PostAsJsonAsync($"/api/v1/subject-requests/{rejected}/reject", new { reason = "duplicate" });

        var late = await api.GetFromJsonAsync<JsonElement>("/api/v1/subject-requests?overdue=true");
        Assert.Equal([overdue], late.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
        Assert.True(late.GetProperty("items")[0].GetProperty("overdue").GetBoolean());

        var received = await api.GetFromJsonAsync<JsonElement>("/api/v1/subject-requests?status=received");
        Assert.Equal([overdue, fresh], received.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
        var rejectedOnly = await api.GetFromJsonAsync<JsonElement>("/api/v1/subject-requests?status=rejected&overdue=true");
        Assert.Empty(rejectedOnly.GetProperty("items").EnumerateArray());

        var first = await api.GetFromJsonAsync<JsonElement>("/api/v1/subject-requests?limit=2");
        Assert.Equal([rejected, overdue], first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await api.GetFromJsonAsync<JsonElement>($"/api/v1/subject-requests?limit=2&cursor={Uri.EscapeDataString(cursor!)}");
        Assert.Equal([fresh], second.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);

        var bad = await ErrorsOf(await api.GetAsync("/api/v1/subject-requests?status=lost&cursor=nonsense"));
        Assert.True(bad.TryGetProperty("status", out _));
        Assert.True(bad.TryGetProperty("cursor", out _));
    }

    [Fact]
    public async Task Another_tenants_request_is_404_everywhere()
    {
        var owner = await app.CreateTenantAsync();
        var stranger = await app.CreateTenantAsync();
        using var ownerApi = owner.Api();
        using var strangerApi = stranger.Api();
        var id = (await AccessAsync(ownerApi, "+79161110060")).GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.NotFound, (await strangerApi.GetAsync($"/api/v1/subject-requests/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await strangerApi.PostAsJsonAsync($"/api/v1/subject-requests/{id}/verify", new { method = "document" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await strangerApi.PostAsync($"/api/v1/subject-requests/{id}/execute", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await strangerApi.PostAsJsonAsync($"/api/v1/subject-requests/{id}/reject", new { reason = "x" })).StatusCode);
        Assert.Empty((await strangerApi.GetFromJsonAsync<JsonElement>("/api/v1/subject-requests")).GetProperty("items").EnumerateArray());
        Assert.Equal("received", (await ownerApi.GetFromJsonAsync<JsonElement>($"/api/v1/subject-requests/{id}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Concurrent_intakes_get_consecutive_numbers_never_the_same()
    {
        var tenant = await app.CreateTenantAsync();
        const int count = 24;

        var numbers = await Task.WhenAll(Enumerable.Range(0, count).Select(i => app.InTenantAsync(tenant.Id, async sp =>
        {
            var result = await sp.GetRequiredService<SubjectRequests>().CreateAsync(new SubjectRequestInput
            {
                Type = SubjectRequestTypes.Rectify, Channel = SubjectRequestChannels.Letter, Phone = $"+7916222{i:D4}",
                ReceivedAt = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(3)),
            });
            return result.Request!.Number;
        })));

        Assert.Equal(Enumerable.Range(1, count).Select(n => SubjectRequest.FormatNumber(2026, n)), numbers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_acknowledgement_goes_by_sms_for_phone_requests_and_is_recorded_for_letters()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        var byPhone = (await AccessAsync(api, "+79161110070")).GetProperty("id").GetGuid();
        var byLetter = (await CreateAsync(api, new { type = "access", phone = "+79161110071", channel = "letter" })).GetProperty("id").GetGuid();
        var byEmailOnly = (await CreateAsync(api, new { type = "access", email = "ivan@example.test", channel = "web" })).GetProperty("id").GetGuid();

        var phoneNotice = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/subject-requests/{byPhone}")).GetProperty("notices")[0];
        Assert.Equal("sms_queued", phoneNotice.GetProperty("delivery").GetString());
        Assert.Equal("sms", phoneNotice.GetProperty("channel").GetString());
        var smsId = phoneNotice.GetProperty("smsMessageId").GetGuid();
        var message = await tenant.WithDbAsync(db => db.SmsMessages.SingleAsync(m => m.Id == smsId));
        Assert.Equal(SmsKinds.SubjectRequestNotice, message.Kind);
        Assert.NotEqual("queued", message.Status); // delivered at once, like a code

        var letterNotice = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/subject-requests/{byLetter}")).GetProperty("notices")[0];
        Assert.Equal("recorded", letterNotice.GetProperty("delivery").GetString());
        Assert.Equal("letter", letterNotice.GetProperty("channel").GetString());
        Assert.Contains("DSR-", letterNotice.GetProperty("text").GetString(), StringComparison.Ordinal);
        var emailNotice = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/subject-requests/{byEmailOnly}")).GetProperty("notices")[0];
        Assert.Equal("recorded", emailNotice.GetProperty("delivery").GetString());
        Assert.Equal(1, await tenant.WithDbAsync(db => db.SmsMessages.CountAsync(m => m.Kind == SmsKinds.SubjectRequestNotice)));
    }
}
