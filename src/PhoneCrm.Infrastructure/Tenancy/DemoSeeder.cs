using Bogus;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Tenancy;

/// <summary>
/// The demo tenant of the run command: one user per role with a known password, so a visitor can look around.
/// Idempotent: a second start finds the tenant and only prints the logins again.
/// </summary>
public sealed class DemoSeeder(PhoneCrmDbContext db, TenantProvisioner provisioner, ContactService contacts,
    PhoneCrm.Infrastructure.Consent.ConsentLedger ledger, PhoneCrm.Infrastructure.Events.EventService events,
    PhoneCrm.Infrastructure.Messaging.MessageTemplates templates, PhoneCrm.Infrastructure.Messaging.Automations.AutomationSettings automations)
{
    public const string TenantName = "Демо: Сад и огород";
    public const string Password = "Demo-Pass-2026!";

    public sealed record Credentials(string TenantName, string AdminEmail, string MarketerEmail, string Password);

    private static readonly (string Email, Role Role)[] _staff =
    [
        ("marketer@demo.phonecrm.test", Role.Marketer),
        ("sales@demo.phonecrm.test", Role.SalesManager),
        ("analyst@demo.phonecrm.test", Role.Analyst),
        ("compliance@demo.phonecrm.test", Role.ComplianceOfficer),
        ("operator@demo.phonecrm.test", Role.SystemOperator),
    ];

    public const int ContactCount = 300;

    private static readonly string[] _tags = ["garden", "kitchen", "tools", "seeds", "greenhouse", "flowers", "vip", "wholesale"];
    private static readonly string[] _sources = [ContactSources.Website, ContactSources.WebShop, ContactSources.Social,
        ContactSources.OfflineEvent, ContactSources.Store, ContactSources.Import, ContactSources.Call];
    private static readonly Dictionary<string, string[]> _details = new()
    {
        [ContactSources.Website] = ["delivery-page", "landing-spring", "contacts-form"],
        [ContactSources.WebShop] = ["checkout", "cart"],
        [ContactSources.Social] = ["vk-group", "telegram-channel"],
        [ContactSources.OfflineEvent] = ["agro-expo-2026", "garden-fair"],
        [ContactSources.Store] = ["store-moscow-1", "store-kazan"],
        [ContactSources.Import] = ["old-crm.csv"],
        [ContactSources.Call] = ["hotline"],
    };
    // Russian mobile ranges that libphonenumber knows.
    private static readonly int[] _mobileCodes = [900, 901, 902, 903, 904, 905, 906, 908, 909, 910, 911, 912, 913, 914, 915, 916, 917,
        918, 919, 920, 921, 922, 923, 924, 925, 926, 927, 928, 929, 930, 931, 950, 951, 952, 953, 958, 960, 961, 962, 963, 964, 965,
        966, 967, 968, 969, 977, 978, 980, 981, 982, 983, 984, 985, 986, 987, 988, 989, 991, 992, 993, 994, 995, 996, 999];

    /// <summary>Realistic fake Russian customers (Bogus, locale ru, fixed seed), some owned by the demo sales manager.</summary>
    private async Task SeedContactsAsync(int count, Guid? salesManager, CancellationToken ct)
    {
        var f = new Faker("ru") { Random = new Randomizer(2026) };
        var cities = CityTable.BuiltIn.Select(c => c.City).Distinct().ToList();
        var big = new[] { "Москва", "Санкт-Петербург", "Новосибирск", "Екатеринбург", "Казань", "Нижний Новгород", "Краснодар" }
            .Where(c => cities.Contains(c)).ToList();
        var made = 0;
        var phones = new List<string>();
        while (made < count)
        {
            var male = f.Random.Bool();
            var gender = male ? Bogus.DataSets.Name.Gender.Male : Bogus.DataSets.Name.Gender.Female;
            var first = f.Name.FirstName(gender);
            var last = f.Name.LastName(gender);
            var source = f.PickRandom(_sources);
            var input = new ContactInput
            {
                Phone = $"+7{f.PickRandom(_mobileCodes)}{f.Random.Number(0, 9_999_999):0000000}",
                FirstName = first,
                LastName = last,
                Email = f.Random.Bool(0.7f) ? $"{f.Internet.UserName("user", "mail")}{f.Random.Number(10, 99)}@{f.PickRandom("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru")}".ToLowerInvariant() : null,
                City = big.Count > 0 && f.Random.Bool(0.5f) ? f.PickRandom(big) : f.PickRandom(cities),
                Gender = f.Random.Bool(0.9f) ? (male ? ContactGender.Male : ContactGender.Female) : ContactGender.Unknown,
                BirthDate = f.Random.Bool(0.6f) ? DateOnly.FromDateTime(f.Date.Between(new DateTime(1955, 1, 1), new DateTime(2005, 12, 31))).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : null,
                Tags = f.Random.ListItems(_tags, f.Random.Number(0, 3)),
                SourceChannel = source,
                SourceDetail = f.PickRandom(_details[source]),
                Attributes = f.Random.Bool(0.3f) ? new System.Text.Json.Nodes.JsonObject { ["loyaltyLevel"] = f.PickRandom("bronze", "silver", "gold") } : null,
            };
            var result = await contacts.UpsertAsync(input, ct);
            if (!result.IsValid) continue;
            if (!result.Created) continue;
            if (salesManager is not null && f.Random.Bool(0.15f)) result.Contact!.OwnerId = salesManager;
            if (f.Random.Bool(0.05f)) result.Contact!.Status = ContactStatus.Unreachable;
            phones.Add(input.Phone!);
            made++;
        }

        await db.SaveChangesAsync(ct);
        await SeedConsentsAsync(f, phones, ct);
        await SeedOrdersAsync(f, phones, ct);
    }

    private static readonly (string Sku, string Name, string Category, decimal Price)[] _products =
    [
        ("SEED-TOM", "Семена томатов «Бычье сердце»", "garden", 129m), ("SEED-CUC", "Семена огурцов", "garden", 99m),
        ("GH-3X6", "Теплица из поликарбоната 3×6", "greenhouse", 38990m), ("TOOL-SEC", "Секатор Fiskars", "tools", 2490m),
        ("TOOL-SHV", "Лопата штыковая", "tools", 1190m), ("FLW-ROSE", "Саженец розы", "flowers", 690m),
        ("KIT-PAN", "Сковорода чугунная", "kitchen", 3290m), ("FERT-1", "Удобрение универсальное 5 кг", "garden", 790m),
    ];

    /// <summary>Order history over the last year (most customers 0–4 orders), so stats, segments and campaign ROI have data.</summary>
    private async Task SeedOrdersAsync(Faker f, List<string> phones, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var order = 10_000;
        foreach (var phone in phones)
        {
            var count = f.Random.WeightedRandom([0, 1, 2, 3, 4], [0.3f, 0.3f, 0.2f, 0.12f, 0.08f]);
            for (var i = 0; i < count; i++)
            {
                order++;
                var items = f.Random.ListItems(_products, f.Random.Number(1, 3));
                var lines = new System.Text.Json.Nodes.JsonArray(items.Select(p => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
                {
                    ["sku"] = p.Sku, ["name"] = p.Name, ["category"] = p.Category, ["price"] = p.Price, ["quantity"] = 1,
                }).ToArray());
                await events.RecordAsync(new PhoneCrm.Infrastructure.Events.EventInput
                {
                    Type = "order_placed",
                    ExternalId = $"demo-order-{order}",
                    Phone = phone,
                    OccurredAt = now.AddDays(-f.Random.Double(1, 365)),
                    Data = new System.Text.Json.Nodes.JsonObject
                    {
                        ["orderId"] = order.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ["amount"] = items.Sum(p => p.Price), ["currency"] = "RUB", ["items"] = lines,
                    },
                }, ct);
            }
        }
    }

    /// <summary>Ready templates and the order/shipping/cart/birthday automations switched on, as a shop would run them.</summary>
    private async Task SeedMessagingAsync(CancellationToken ct)
    {
        if ((await templates.ListAsync(ct)).Count > 0) return;
        await templates.SaveAsync(null, "Семена −30%", "marketing", "promotional",
            "{{firstName|Здравствуйте}}, скидка 30% на семена по коду SNEG23 до конца недели! Отписка: СТОП", ct);
        await templates.SaveAsync(null, "Теплицы: весенняя распродажа", "marketing", "promotional",
            "{{firstName|Здравствуйте}}, теплицы со скидкой до 20%: {{link}} Отписка: СТОП", ct);
        await templates.SaveAsync(null, "Заказ готов к выдаче", "transactional", "transactional",
            "Заказ №{{orderNumber}} готов к выдаче. Ждём вас!", ct);
        foreach (var kind in new[] { "order_confirmation", "shipping_status", "cart_abandoned", "birthday" })
        {
            var current = (await automations.GetAsync(kind, ct))!;
            await automations.SaveAsync(kind, new PhoneCrm.Infrastructure.Messaging.Automations.AutomationInput(true, current.Text,
                current.FollowUpText, current.DelayMinutes, null, kind == "birthday" ? "HAPPY-BDAY" : kind == "cart_abandoned" ? "CART10" : null), ct);
        }
    }

    /// <summary>Most customers have the transactional basis of their orders; about two thirds gave marketing consent on a
    /// web form, and a few withdrew it — so segments and campaigns have something real to decide on.</summary>
    private async Task SeedConsentsAsync(Faker f, List<string> phones, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var phone in phones)
        {
            var at = now.AddDays(-f.Random.Number(1, 300)).AddMinutes(-f.Random.Number(0, 1440));
            if (f.Random.Bool(0.9f))
            {
                await ledger.GrantAsync(new PhoneCrm.Infrastructure.Consent.GrantInput(phone, "transactional", "sms", "contract", null,
                    new PhoneCrm.Infrastructure.Consent.ConsentEvidence("api", at, SourceUrl: "https://sad-ogorod.example/checkout")), ct);
            }

            if (!f.Random.Bool(0.65f)) continue;
            var granted = await ledger.GrantAsync(new PhoneCrm.Infrastructure.Consent.GrantInput(phone, "marketing", "sms", "consent", null,
                new PhoneCrm.Infrastructure.Consent.ConsentEvidence("web_form", at.AddMinutes(2), f.Internet.Ip(),
                    "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile", "https://sad-ogorod.example/subscribe", "form-v1")), ct);
            if (granted.Record is { } record && f.Random.Bool(0.08f))
                await ledger.WithdrawAsync(record.ContactId, "marketing", "sms", new PhoneCrm.Infrastructure.Consent.ConsentEvidence("sms_reply"), ct);
        }
    }

    public async Task<Credentials> EnsureAsync(CancellationToken ct = default)
    {
        const string admin = "admin@demo.phonecrm.test";
        var tenant = await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Name == TenantName, ct);
        if (tenant is null)
        {
            await provisioner.CreateAsync(TenantName, admin, Password, mustChangePassword: false, ct);
            foreach (var (email, role) in _staff)
            {
                var user = await provisioner.EnsureUserAsync(email, Password, mustChangePassword: false);
                await provisioner.AddMemberAsync(user.Id, [role], ct);
            }
        }
        else
        {
            db.Tenant.Set(tenant.Id);
        }

        if (!await db.Contacts.AnyAsync(ct))
        {
            var sales = await db.Users.AsNoTracking().Where(u => u.Email == _staff[1].Email).Select(u => (Guid?)u.Id).SingleOrDefaultAsync(ct);
            await SeedContactsAsync(ContactCount, sales, ct);
        }

        await SeedMessagingAsync(ct);

        return new Credentials(TenantName, admin, _staff[0].Email, Password);
    }
}
