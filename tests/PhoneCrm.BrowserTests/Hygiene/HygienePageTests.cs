using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PhoneCrm.BrowserTests.Infrastructure;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Hygiene;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Hygiene;
using PhoneCrm.Infrastructure.Jobs;

namespace PhoneCrm.BrowserTests.Hygiene;

/// <summary>The Admin reviews base hygiene: job runs, the base-health trend, and one click restores an excluded number.</summary>
[Collection(BrowserCollection.Name)]
public sealed class HygienePageTests(BrowserFixture app)
{
    [Fact]
    public async Task Admin_sees_runs_and_base_health_and_restores_a_number_excluded_for_failed_deliveries()
    {
        var tenant = await app.CreateTenantAsync("Гигиена");
        var contactId = await app.InTenantAsync(tenant.Id, async sp =>
        {
            var phone = "+7916" + Random.Shared.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);
            var granted = await sp.GetRequiredService<ConsentLedger>().GrantAsync(new GrantInput(phone, ConsentTerms.Marketing, "sms", "consent", null,
                new ConsentEvidence("staff", DateTimeOffset.UtcNow.AddDays(-60))));
            var db = sp.GetRequiredService<PhoneCrm.Infrastructure.Database.PhoneCrmDbContext>();
            var id = granted.Record!.ContactId;
            var index = await db.Contacts.Where(c => c.Id == id).Select(c => c.PhoneIndex).SingleAsync();
            foreach (var day in new[] { 1, 2, 3 })
            {
                var at = DateTimeOffset.UtcNow.AddDays(-day);
                db.SmsMessages.Add(new SmsMessage
                {
                    ContactId = id, Purpose = ConsentTerms.Marketing, Category = SmsCategories.Promotional, PhoneCipher = [1], PhoneIndex = index,
                    TextCipher = [1], IdempotencyKey = Guid.NewGuid().ToString(), Status = SmsStatus.Undelivered, CreatedAt = at, StatusAt = at,
                });
            }

            // Eleven earlier months of the trend, as the engagement job would have recorded them.
            var month = DateOnly.FromDateTime(DateTime.UtcNow);
            for (var m = 11; m >= 1; m--)
            {
                var first = new DateOnly(month.Year, month.Month, 1).AddMonths(-m);
                db.BaseHealthSnapshots.Add(new BaseHealthSnapshot
                {
                    Month = first, Total = 1000, Valid = 960 - m * 2, Unreachable = 20 + m, Unengaged = 40 + m * 3, Unconsented = 300 - m * 5, TakenAt = DateTimeOffset.UtcNow,
                });
            }

            await db.SaveChangesAsync();
            var runner = sp.GetRequiredService<TenantJobRunner>();
            await runner.RunTenantAsync(FailedDeliveriesJob.JobId, tenant.Id, CancellationToken.None);
            await runner.RunTenantAsync(EngagementJob.JobId, tenant.Id, CancellationToken.None);
            return id;
        });
        var admin = await tenant.AddUserAsync(Role.Admin);
        var page = await app.NewPageAsync();
        await BrowserFixture.SignInAsync(page, admin);

        await page.GotoAsync("/hygiene");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Гигиена базы");
        await page.Locator("#responsible-form input[name=name]").FillAsync("Ирина Петрова, ответственная за обработку ПДн");
        await page.Locator("#responsible-form button").ClickAsync();
        await Assertions.Expect(page.Locator("#responsible")).ToContainTextAsync("Ирина Петрова");
        await Assertions.Expect(page.Locator("#health-trend polyline")).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator("[data-job='hygiene-failed-deliveries'] .run-changed").First).ToContainTextAsync("1");
        await BrowserFixture.ScreenshotAsync(page, "hygiene-01-overview");

        await page.Locator($"#failed-review tr[data-contact='{contactId}'] button.restore").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Номер снова доступен.");
        await Assertions.Expect(page.Locator("#failed-empty")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "hygiene-02-restored");
    }
}
