using System.Text.Json;
using Bogus;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Messaging.Campaigns;
using PhoneCrm.Infrastructure.Messaging.Providers;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Infrastructure.Segments;

namespace PhoneCrm.Infrastructure.Tenancy;

/// <summary>
/// The demo tenant of the run command: one user per role with a known password, so a visitor can look around.
/// Idempotent: a second start finds the tenant and only prints the logins again.
/// </summary>
public sealed class DemoSeeder(PhoneCrmDbContext db, TenantProvisioner provisioner, ContactService contacts,
    PhoneCrm.Infrastructure.Consent.ConsentLedger ledger, PhoneCrm.Infrastructure.Events.EventService events,
    PhoneCrm.Infrastructure.Messaging.MessageTemplates templates, PhoneCrm.Infrastructure.Messaging.Automations.AutomationSettings automations,
    SegmentService segments, PiiProtector protector, IServiceProvider services)
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

    private readonly HashSet<string> _bouncing = new(StringComparer.Ordinal);

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
            if (f.Random.Bool(0.05f)) _bouncing.Add(input.Phone!); // unreachable: the finished campaign's SMS bounces
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

    public const string CampaignName = "Теплицы: весенняя распродажа";
    public const string CampaignSegmentName = "Садоводы";
    public const decimal PricePerSegment = 3.95m;

    /// <summary>
    /// A campaign sent five days ago (api-v1: "a finished campaign"), made by the real services run as at its send time on a
    /// back-dated clock: <see cref="CampaignService"/> creates and starts it, <see cref="CampaignPlanner"/> snapshots the
    /// segment and the policy decides for everyone (no consent → <c>noConsent</c>; the few who had two cart reminders that
    /// month → <c>frequencyCap</c>), <see cref="CampaignDispatcher"/> renders, shortens links, queues and delivers. Only the
    /// network is played here (<see cref="PastNetwork"/>: a few refused, the bouncing numbers undelivered, receipts back-dated),
    /// then some recipients follow their links (<see cref="ShortLinks"/>), order within the week, and three answer STOP the
    /// next day. Nothing waits for quiet hours or a background job.
    /// </summary>
    private async Task SeedFinishedCampaignAsync(CancellationToken ct)
    {
        if (await db.Campaigns.AnyAsync(ct)) return;
        var tenantId = db.Tenant.RequireTenant();
        // The shop's own site is where its campaign links may lead (issue 12 item 10).
        await db.Tenants.Where(t => t.Id == tenantId && t.LinkDomains.Count == 0)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.LinkDomains, new List<string> { "sad-ogorod.example" }), ct);
        var now = DateTimeOffset.UtcNow;
        var begin = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-5).AddHours(7); // 10:00 Moscow
        var finish = begin.AddMinutes(14);
        const string text = "{{firstName|Здравствуйте}}, теплицы со скидкой до 20% до воскресенья: https://sad-ogorod.example/teplicy Отписка: СТОП";

        using var rule = JsonDocument.Parse("""{"field":"tags","op":"in","value":["garden","seeds","greenhouse","flowers"]}""");
        var segment = await segments.SaveAsync(null, CampaignSegmentName, rule.RootElement, null, ct);
        if (!segment.IsValid) throw new InvalidOperationException("Demo segment: " + string.Join("; ", segment.Errors.ByField.SelectMany(e => e.Value)));
        var segmentId = segment.Segment!.Id;
        var marketer = await db.Users.AsNoTracking().Where(u => u.Email == _staff[0].Email).Select(u => (Guid?)u.Id).SingleOrDefaultAsync(ct);
        if (!await db.SmsProviderSettings.AnyAsync(ct))
        {
            db.SmsProviderSettings.Add(new SmsProviderSettings { Sender = "SadOgorod", PricePerSegment = PricePerSegment, UpdatedAt = now });
            await db.SaveChangesAsync(ct);
        }

        // The real services on a clock set to the past, delivering to the network of the past.
        var clock = new PastClock(begin);
        var network = new PastNetwork(await services.GetRequiredService<SmsSettingsStore>().ProviderNameAsync(ct), _bouncing);
        var scheduler = new InlineScheduler();
        var policy = ActivatorUtilities.CreateInstance<SendPolicyService>(services, clock);
        var outbox = ActivatorUtilities.CreateInstance<SmsOutbox>(services, clock);
        var delivery = ActivatorUtilities.CreateInstance<SmsDelivery>(services, clock,
            new SmsProviderResolver([network], services.GetRequiredService<SmsSettingsStore>()));
        var planner = ActivatorUtilities.CreateInstance<CampaignPlanner>(services, policy, (ICampaignScheduler)scheduler, clock);
        var campaigns = ActivatorUtilities.CreateInstance<CampaignService>(services, planner, (ICampaignScheduler)scheduler, clock);
        var dispatcher = ActivatorUtilities.CreateInstance<CampaignDispatcher>(services, policy, outbox, delivery);

        // Earlier that month a few subscribers had two abandoned-cart reminders: the promotional cap (2 a month) skips them.
        var members = await segments.ReadMembersAsync(segmentId, "SELECT id FROM members ORDER BY id", [], r => r.GetGuid(0), ct) ?? [];
        var subscribed = (await db.ConsentStates.AsNoTracking()
            .Where(x => x.Purpose == "marketing" && x.Channel == "sms" && x.Status == PhoneCrm.Domain.Consent.ConsentStatus.Active)
            .Select(x => x.ContactId).ToListAsync(ct)).ToHashSet();
        var capped = members.Where(subscribed.Contains).Where((_, i) => i % 25 == 7).ToList();
        var reminders = await db.Contacts.AsNoTracking().Where(c => capped.Contains(c.Id)).Select(c => new { c.Id, c.PhoneCipher }).ToListAsync(ct);
        foreach (var daysBefore in new[] { 12, 3 })
        {
            clock.Now = begin.AddDays(-daysBefore);
            var allowed = await policy.DecideAsync(new SendIntent("marketing", SmsCategories.Promotional, SmsKinds.Automation), capped, null, ct);
            reminders.RemoveAll(c => allowed.GetValueOrDefault(c.Id)?.Outcome != SendOutcome.Send);
            var keys = reminders.Select(c => $"demo-cart:{c.Id:N}:{daysBefore}").ToList();
            await outbox.QueueManyAsync(reminders.Select((c, i) => new OutgoingSms(c.Id, protector.Decrypt(c.PhoneCipher, db.Tenant.RequireTenant(), ContactService.PhoneContext)!,
                "Вы оставили товары в корзине — они ждут вас на sad-ogorod.example. Отписка: СТОП", "marketing", SmsCategories.Promotional,
                SmsKinds.Automation, keys[i])).ToList(), ct);
            await delivery.DeliverAsync(await db.SmsMessages.AsNoTracking().Where(m => keys.Contains(m.IdempotencyKey)).Select(m => m.Id).ToListAsync(ct), ct);
        }

        clock.Now = begin.AddHours(-20);
        var (campaign, errors) = await campaigns.CreateAsync(new CampaignInput
        {
            Name = CampaignName, SegmentId = segmentId, Purpose = "marketing", Category = SmsCategories.Promotional, Text = text,
            ThrottlePerMinute = 600,
        }, marketer, ct);
        if (campaign is null) throw new InvalidOperationException("Demo campaign: " + string.Join("; ", errors.ByField.SelectMany(e => e.Value)));
        clock.Now = begin;
        if (await campaigns.StartAsync(campaign.Id, ct) != CampaignCommandResult.Ok) throw new InvalidOperationException("Demo campaign: start refused.");
        await planner.PlanAsync(campaign.Id, ct);
        foreach (var batch in scheduler.Batches) await dispatcher.RunBatchAsync(campaign.Id, batch, ct);
        await ReportReceiptsAsync(network, ct);
        await FollowLinksAsync(campaign.Id, begin, ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE campaigns SET completed_at = {finish}, updated_at = {finish} WHERE id = {campaign.Id};
            UPDATE campaign_batches SET due_at = {begin}, done_at = {finish}, updated_at = {finish} WHERE campaign_id = {campaign.Id};
            UPDATE campaign_recipients SET updated_at = {begin} WHERE campaign_id = {campaign.Id};
            UPDATE short_links SET created_at = {begin} WHERE owner_tenant_id = {tenantId} AND campaign_id = {campaign.Id};
            """, ct);
        // The shop marked the numbers the campaign's receipts found undelivered unreachable.
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE contacts c SET status = {ContactStatus.Unreachable} FROM sms_messages m
            WHERE m.tenant_id = c.tenant_id AND m.contact_id = c.id AND m.campaign_id = {campaign.Id} AND m.status = {SmsStatus.Undelivered}
            """, ct);

        var sent = await (from r in db.CampaignRecipients.AsNoTracking()
                          join c in db.Contacts.AsNoTracking() on r.ContactId equals c.Id
                          join m in db.SmsMessages.AsNoTracking() on r.MessageId equals m.Id
                          join l in db.ShortLinks.AsNoTracking() on new { CampaignId = (Guid?)r.CampaignId, r.ContactId } equals new { l.CampaignId, l.ContactId }
                          where r.CampaignId == campaign.Id && r.Outcome == RecipientOutcome.Sent && l.Url != ShortLinks.PreferencesUrl
                          orderby r.ContactId
                          select new { r.ContactId, c.PhoneCipher, c.PhoneIndex, m.Status, l.Clicks }).ToListAsync(ct);

        // A few recipients answered STOP the next day: suppressed and their consent withdrawn through the ledger, so the
        // campaign's opt-out count is real.
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            foreach (var r in sent.Where(r => r.Status == SmsStatus.Delivered && r.Clicks == 0 && subscribed.Contains(r.ContactId)).Take(3))
            {
                var at = begin.AddDays(1).AddHours(2);
                await ledger.WithdrawAsync(r.ContactId, "marketing", "sms", new PhoneCrm.Infrastructure.Consent.ConsentEvidence("sms_reply", at), ct);
                await db.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO suppressions (tenant_id, phone_index, scope, reason, created_at)
                    VALUES ({tenantId}, {r.PhoneIndex}, {SuppressionScopes.Marketing}, 'stop_reply', {at})
                    ON CONFLICT (tenant_id, phone_index) DO NOTHING
                    """, ct);
            }

            await tx.CommitAsync(ct);
        }

        // Orders from people who clicked, within the week after: the campaign's revenue and ROI.
        var order = 90_000;
        foreach (var r in sent.Where(r => r.Clicks > 0).Take(6))
        {
            order++;
            var product = _products[2 + order % 2 * 3]; // the greenhouse or a rose seedling
            await events.RecordAsync(new PhoneCrm.Infrastructure.Events.EventInput
            {
                Type = "order_placed",
                ExternalId = $"demo-order-{order}",
                Phone = protector.Decrypt(r.PhoneCipher, db.Tenant.RequireTenant(), ContactService.PhoneContext),
                OccurredAt = begin.AddDays(1 + order % 4).AddHours(3),
                Data = new System.Text.Json.Nodes.JsonObject
                {
                    ["orderId"] = order.ToString(System.Globalization.CultureInfo.InvariantCulture), ["amount"] = product.Price,
                    ["currency"] = "RUB", ["utmCampaign"] = "teplicy-spring",
                },
            }, ct);
        }
    }

    /// <summary>The network's receipts, seconds after sending: undelivered for the bouncing numbers, delivered for the rest.</summary>
    private async Task ReportReceiptsAsync(PastNetwork network, CancellationToken ct)
    {
        var ids = network.Accepted.Keys.ToList();
        var accepted = await db.SmsMessages.AsNoTracking().Where(m => ids.Contains(m.ProviderMessageId!))
            .Select(m => new { m.ProviderMessageId, m.SentAt }).ToListAsync(ct);
        await services.GetRequiredService<SmsStatusUpdater>().ApplyManyAsync(accepted.Select(m => network.Accepted[m.ProviderMessageId!]
            ? new SmsReceipt(m.ProviderMessageId!, SmsStatus.Undelivered, "absent_subscriber", m.SentAt!.Value.AddSeconds(40))
            : new SmsReceipt(m.ProviderMessageId!, SmsStatus.Delivered, null, m.SentAt!.Value.AddSeconds(3 + m.ProviderMessageId!.Length % 30))).ToList(), ct);
    }

    /// <summary>About one in six delivered recipients follows the link (one to three times) within hours: counted by
    /// <see cref="ShortLinks"/> as any visitor's click is, then dated back.</summary>
    private async Task FollowLinksAsync(Guid campaignId, DateTimeOffset sentAt, CancellationToken ct)
    {
        var links = services.GetRequiredService<ShortLinks>();
        var codes = await (from l in db.ShortLinks.AsNoTracking()
                           join r in db.CampaignRecipients.AsNoTracking() on new { l.CampaignId, l.ContactId } equals new { CampaignId = (Guid?)r.CampaignId, r.ContactId }
                           join m in db.SmsMessages.AsNoTracking() on r.MessageId equals m.Id
                           where l.CampaignId == campaignId && m.Status == SmsStatus.Delivered && l.Url != ShortLinks.PreferencesUrl
                           orderby l.ContactId
                           select l.Code).ToListAsync(ct);
        var f = new Faker { Random = new Randomizer(2027) };
        foreach (var code in codes.Where(_ => f.Random.Bool(0.18f)))
        {
            for (var i = f.Random.Number(1, 3); i > 0; i--) await links.FollowAsync(code, ct);
        }

        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE short_links SET first_clicked_at = {sentAt}
                + make_interval(mins => 1 + get_byte(decode(md5(code), 'hex'), 0) * 2)
            WHERE owner_tenant_id = app_current_tenant() AND campaign_id = {campaignId} AND clicks > 0
            """, ct);
    }

    /// <summary>The clock the services run on while the demo's past is made.</summary>
    private sealed class PastClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>Runs nothing in the background: the seeder runs the batches the planner asks for itself.</summary>
    private sealed class InlineScheduler : ICampaignScheduler
    {
        public List<int> Batches { get; } = [];

        public void Plan(Guid tenantId, Guid campaignId)
        {
        }

        public void RunBatch(Guid tenantId, Guid campaignId, int batch, DateTimeOffset? dueAt = null) => Batches.Add(batch);

        public void DecideWinner(Guid tenantId, Guid campaignId)
        {
        }
    }

    /// <summary>
    /// The operator network of five days ago under the tenant's provider name: accepts, except about 3 % refused for good
    /// (a stable pick by the message id); numbers in <paramref name="bouncing"/> are accepted and later reported undelivered.
    /// </summary>
    private sealed class PastNetwork(string name, IReadOnlySet<string> bouncing) : ISmsProvider
    {
        public string Name => name;

        /// <summary>The provider ids it accepted, each with whether it will bounce.</summary>
        public Dictionary<string, bool> Accepted { get; } = new(StringComparer.Ordinal);

        public Task<SmsSendResult> SendAsync(SmsSendRequest request, CancellationToken ct)
        {
            if (request.MessageId.ToByteArray()[15] < 8) return Task.FromResult(SmsSendResult.Refused("provider rejected the message", "provider_rejected"));
            var id = $"sim-{request.MessageId:N}";
            Accepted[id] = bouncing.Contains(request.Phone);
            return Task.FromResult(SmsSendResult.Accepted(id));
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
        await SeedFinishedCampaignAsync(ct);

        return new Credentials(TenantName, admin, _staff[0].Email, Password);
    }
}
