using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Tenancy;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Contacts;

[Collection(AppCollection.Name)]
public sealed class DemoSeederTests(AppFixture app)
{
    [Fact]
    public async Task Demo_tenant_gets_realistic_contacts_once()
    {
        for (var run = 0; run < 2; run++)
        {
            await using var scope = app.Factory.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DemoSeeder>().EnsureAsync();
        }

        Guid tenantId;
        await using (var scope = app.Factory.Services.CreateAsyncScope())
            tenantId = await scope.ServiceProvider.GetRequiredService<PhoneCrmDbContext>().Tenants
                .Where(t => t.Name == DemoSeeder.TenantName).Select(t => t.Id).SingleAsync();

        var stats = await app.InTenantAsync(tenantId, async sp =>
        {
            var db = sp.GetRequiredService<PhoneCrmDbContext>();
            return new
            {
                Count = await db.Contacts.CountAsync(),
                Owned = await db.Contacts.CountAsync(c => c.OwnerId != null),
                Cities = await db.Contacts.Select(c => c.City).Distinct().CountAsync(),
                Tagged = await db.Contacts.CountAsync(c => c.Tags.Count > 0),
                Mobile = await db.Contacts.CountAsync(c => c.PhoneType == "mobile" && c.PhoneRegion == "RU"),
                Sources = await db.Contacts.Select(c => c.SourceChannel).Distinct().CountAsync(),
                Marketing = await db.Set<PhoneCrm.Domain.Consent.ConsentState>().CountAsync(s => s.Purpose == "marketing" && s.Status == "active"),
                Withdrawn = await db.Set<PhoneCrm.Domain.Consent.ConsentState>().CountAsync(s => s.Status == "withdrawn"),
                Orders = await db.ContactEvents.CountAsync(e => e.Type == "order_placed"),
                Buyers = await db.ContactStats.CountAsync(s => s.OrdersCount > 0),
                Templates = await db.MessageTemplates.CountAsync(),
                Automations = await db.Automations.CountAsync(a => a.Enabled),
            };
        });

        Assert.Equal(DemoSeeder.ContactCount, stats.Count);
        Assert.InRange(stats.Owned, 10, 150);
        Assert.True(stats.Cities > 10, $"{stats.Cities} cities");
        Assert.True(stats.Tagged > 100);
        Assert.Equal(stats.Count, stats.Mobile);
        Assert.True(stats.Sources >= 5);
        Assert.InRange(stats.Marketing, 120, 240);
        Assert.InRange(stats.Withdrawn, 1, 40);
        Assert.InRange(stats.Orders, 300, 700);
        Assert.InRange(stats.Buyers, 150, 260);
        Assert.Equal(3, stats.Templates);
        Assert.Equal(4, stats.Automations);
    }
}
