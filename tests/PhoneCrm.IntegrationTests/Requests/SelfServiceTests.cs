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

/// <summary>The public self-service page: the code proves the number, nothing exists before it, and the limits hold.</summary>
[Collection(AppCollection.Name)]
public sealed partial class SelfServiceTests(AppFixture app)
{
    private static int _ip;

    [GeneratedRegex("name=\"challenge\" value=\"([0-9a-f-]{36})\"")]
    private static partial Regex ChallengeRegex();

    [GeneratedRegex(@"(\d{6})\. Никому")]
    private static partial Regex CodeInText();

    /// <summary>
    /// The code of the last SMS the simulator accepted for this phone, read after the words that follow it (the tenant's
    /// name leads the text and may hold digits of its own).
    /// </summary>
    public static async Task<string> LastCodeAsync(TestTenant tenant, string phone, HttpClient? api = null)
    {
        using var own = api is null ? tenant.Api() : null;
        var outbox = await (api ?? own!).GetFromJsonAsync<JsonElement>($"/api/v1/sms/outbox?phone={Uri.EscapeDataString(phone)}");
        var text = outbox.GetProperty("items").EnumerateArray().Last().GetProperty("text").GetString()!;
        return CodeInText().Match(text).Groups[1].Value;
    }

    private static HttpContent Form(params (string Key, string Value)[] fields) =>
        new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    private HttpClient Visitor()
    {
        var n = Interlocked.Increment(ref _ip);
        var client = app.Client();
        client.DefaultRequestHeaders.Add(TestClientIpFilter.Header, $"203.0.113.{n % 250 + 1}");
        return client;
    }

    [Fact]
    public async Task The_code_creates_the_request_verified_by_sms_code_and_nothing_exists_before_it()
    {
        var tenant = await app.CreateTenantAsync();
        using var visitor = Visitor();
        const string phone = "+79161117001";

        var start = await visitor.PostAsync($"/dsr/{tenant.Id}", Form(("Type", "withdraw_all"), ("Phone", "8 916 111-70-01"), ("FullName", "Олег Ким")));
        Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        var challenge = ChallengeRegex().Match(await start.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.Equal(0, await tenant.WithDbAsync(db => db.SubjectRequests.CountAsync()));
        var sent = await tenant.WithDbAsync(db => db.SmsMessages.SingleAsync());
        Assert.Equal(SmsKinds.SubjectRequestCode, sent.Kind);

        var code = await LastCodeAsync(tenant, phone);
        var wrong = await visitor.PostAsync($"/dsr/{tenant.Id}/confirm", Form(("challenge", challenge), ("code", code == "000000" ? "111111" : "000000")));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal(0, await tenant.WithDbAsync(db => db.SubjectRequests.CountAsync()));

        var confirmed = await visitor.PostAsync($"/dsr/{tenant.Id}/confirm", Form(("challenge", challenge), ("code", code)));
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Contains("DSR-", await confirmed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var request = await tenant.WithDbAsync(db => db.SubjectRequests.SingleAsync());
        Assert.Equal(SubjectRequestStatuses.Verified, request.Status);
        Assert.Equal(VerificationMethods.SmsCode, request.VerificationMethod);
        Assert.Equal(SubjectRequestChannels.Web, request.Channel);
        Assert.Equal(SelfServiceRequests.ActorName, request.TakenBy);
        Assert.Equal(SubjectRequestTypes.WithdrawAll, request.Type);

        var replay = await visitor.PostAsync($"/dsr/{tenant.Id}/confirm", Form(("challenge", challenge), ("code", code)));
        Assert.Equal(HttpStatusCode.Gone, replay.StatusCode);
        Assert.Equal(1, await tenant.WithDbAsync(db => db.SubjectRequests.CountAsync()));
        var challengeRow = await tenant.WithDbAsync(db => db.SubjectRequestChallenges.SingleAsync());
        Assert.Null(challengeRow.PhoneCipher); // the request holds the person now, the challenge only what the limits count
    }

    [Fact]
    public async Task A_landline_or_bad_number_gets_no_code_and_the_fourth_code_for_a_number_waits()
    {
        var tenant = await app.CreateTenantAsync();
        using var visitor = Visitor();

        var landline = await visitor.PostAsync($"/dsr/{tenant.Id}", Form(("Type", "access"), ("Phone", "+74951234567")));
        Assert.Equal(HttpStatusCode.BadRequest, landline.StatusCode);
        var noType = await visitor.PostAsync($"/dsr/{tenant.Id}", Form(("Phone", "+79161117002")));
        Assert.Equal(HttpStatusCode.BadRequest, noType.StatusCode);
        Assert.Equal(0, await tenant.WithDbAsync(db => db.SmsMessages.CountAsync()));

        for (var i = 0; i < 3; i++)
        {
            using var again = Visitor();
            Assert.Equal(HttpStatusCode.OK, (await again.PostAsync($"/dsr/{tenant.Id}", Form(("Type", "access"), ("Phone", "+79161117002")))).StatusCode);
        }

        using var fourth = Visitor();
        var limited = await fourth.PostAsync($"/dsr/{tenant.Id}", Form(("Type", "access"), ("Phone", "+79161117002")));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Equal(3, await tenant.WithDbAsync(db => db.SmsMessages.CountAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await fourth.GetAsync($"/dsr/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task The_deadlines_job_marks_overdue_and_due_soon_once()
    {
        var tenant = await app.CreateTenantAsync();
        var moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");
        var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, moscow).Date;
        var (late, soon) = await app.InTenantAsync(tenant.Id, async sp =>
        {
            var requests = sp.GetRequiredService<SubjectRequests>();
            var lateOne = await requests.CreateAsync(new SubjectRequestInput
            {
                Type = SubjectRequestTypes.Access, Channel = SubjectRequestChannels.Letter, Phone = "+79161117010",
                ReceivedAt = new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.FromHours(3)),
            });
            // Erasure: 30 calendar days, so received 30 days ago it is due at the end of today — within a day.
            var soonOne = await requests.CreateAsync(new SubjectRequestInput
            {
                Type = SubjectRequestTypes.Erasure, Channel = SubjectRequestChannels.Letter, Phone = "+79161117011",
                ReceivedAt = new DateTimeOffset(today.AddDays(-30).AddHours(10), TimeSpan.FromHours(3)),
            });
            return (lateOne.Request!.Id, soonOne.Request!.Id);
        });

        var first = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<RequestDeadlineJobs>().RunForTenantAsync(tenant.Id, default));
        var second = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<RequestDeadlineJobs>().RunForTenantAsync(tenant.Id, default));

        Assert.Equal(2, first);
        Assert.Equal(0, second);
        var rows = await tenant.WithDbAsync(db => db.SubjectRequests.ToDictionaryAsync(r => r.Id));
        Assert.NotNull(rows[late].OverdueMarkedAt);
        Assert.Null(rows[soon].OverdueMarkedAt);
        Assert.NotNull(rows[soon].DueSoonMarkedAt);
        Assert.Equal(1, await tenant.WithDbAsync(db => db.AuditLog.CountAsync(a => a.Action == "subject_request.overdue")));
    }
}
