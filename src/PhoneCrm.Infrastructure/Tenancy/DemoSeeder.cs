using System.Security.Cryptography;
using System.Text.Json;
using Bogus;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Messaging.Campaigns;
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
    SegmentService segments, PiiProtector protector, ShortLinks links)
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

    public const string CampaignName = "Теплицы: весенняя распродажа";
    public const string CampaignSegmentName = "Садоводы";
    public const decimal PricePerSegment = 3.95m;

    /// <summary>
    /// A campaign sent five days ago, as the dispatcher would have left it (api-v1: "a finished campaign"): the segment's
    /// members snapshotted in one statement and decided as at the send time (no consent then → <c>noConsent</c>, a few
    /// <c>frequencyCap</c>), one message per sent recipient (delivered, undelivered for unreachable numbers, a few failed),
    /// per-recipient short links with some clicks, a few orders in the week after and a few STOP replies. Written directly
    /// and set-based: nothing waits for quiet hours or a background job.
    /// </summary>
    private async Task SeedFinishedCampaignAsync(CancellationToken ct)
    {
        if (await db.Campaigns.AnyAsync(ct)) return;
        var tenantId = db.Tenant.RequireTenant();
        var now = DateTimeOffset.UtcNow;
        var begin = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-5).AddHours(7); // 10:00 Moscow
        var finish = begin.AddMinutes(14);
        const string url = "https://sad-ogorod.example/teplicy";
        const string text = "{{firstName|Здравствуйте}}, теплицы со скидкой до 20% до воскресенья: " + url + " Отписка: СТОП";

        using var rule = JsonDocument.Parse("""{"field":"tags","op":"in","value":["garden","seeds","greenhouse","flowers"]}""");
        var segment = await segments.SaveAsync(null, CampaignSegmentName, rule.RootElement, null, ct);
        if (!segment.IsValid) throw new InvalidOperationException("Demo segment: " + string.Join("; ", segment.Errors.SelectMany(e => e.Value)));
        var marketer = await db.Users.AsNoTracking().Where(u => u.Email == _staff[0].Email).Select(u => (Guid?)u.Id).SingleOrDefaultAsync(ct);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await db.SmsProviderSettings.AnyAsync(ct))
            db.SmsProviderSettings.Add(new SmsProviderSettings { Sender = "SadOgorod", PricePerSegment = PricePerSegment, UpdatedAt = now });
        var campaign = new Campaign
        {
            Name = CampaignName, SegmentId = segment.Segment!.Id, Purpose = "marketing", Category = SmsCategories.Promotional, Text = text,
            SegmentsPerMessage = SmsText.Measure(SmsTemplate.Render(text, new Dictionary<string, string?>(), CampaignDispatcher.Fallbacks)).Segments,
            Status = CampaignStatus.Completed, ThrottlePerMinute = 600, CreatedBy = marketer, CreatedAt = begin.AddHours(-20),
            UpdatedAt = finish, StartedAt = begin, CompletedAt = finish,
        };
        db.Campaigns.Add(campaign);
        db.CampaignBatches.Add(new CampaignBatch { CampaignId = campaign.Id, Batch = 0, DueAt = begin, DoneAt = finish, UpdatedAt = finish });
        await db.SaveChangesAsync(ct);

        // Decided as at the send time: consent granted before it and still active then (a later STOP counts as an opt-out).
        // About 4 % of the consented were over their frequency cap (a stable pick by the contact id).
        await segments.SnapshotAsync(segment.Segment.Id, """
            , decided AS (
                SELECT m.id, s.contact_id IS NOT NULL AS consented, get_byte(decode(md5(m.id::text), 'hex'), 0) < 10 AS capped
                FROM members m
                LEFT JOIN consent_states s ON s.tenant_id = @tenant AND s.contact_id = m.id AND s.purpose = 'marketing'
                    AND s.channel = 'sms' AND s.granted_at <= @begin
                    AND (s.status = 'active' OR (s.status = 'withdrawn' AND s.withdrawn_at >= @begin)))
            INSERT INTO campaign_recipients (tenant_id, campaign_id, contact_id, outcome, reason, message_id, batch, updated_at)
            SELECT @tenant, @campaign, d.id,
                CASE WHEN d.consented AND NOT d.capped THEN 'sent' ELSE 'skipped' END,
                CASE WHEN NOT d.consented THEN 'noConsent' WHEN d.capped THEN 'frequencyCap' END,
                CASE WHEN d.consented AND NOT d.capped THEN gen_random_uuid() END,
                0, @finish
            FROM decided d
            """, [
                new NpgsqlParameter("campaign", campaign.Id),
                new NpgsqlParameter("begin", NpgsqlDbType.TimestampTz) { Value = begin },
                new NpgsqlParameter("finish", NpgsqlDbType.TimestampTz) { Value = finish },
            ], ct);

        var sent = await (from r in db.CampaignRecipients.AsNoTracking()
                          join c in db.Contacts.AsNoTracking() on r.ContactId equals c.Id
                          where r.CampaignId == campaign.Id && r.Outcome == RecipientOutcome.Sent
                          orderby r.ContactId
                          select new { r.ContactId, r.MessageId, c.PhoneCipher, c.PhoneIndex, c.FirstNameCipher, c.Status }).ToListAsync(ct);
        var n = sent.Count;
        var (ids, contactIds, phones, indexes, texts, segmentCounts, costs, keys, statuses, providerIds, errors, sentAts, statusAts) =
            (new Guid[n], new Guid[n], new byte[n][], new byte[n][], new byte[n][], new int[n], new decimal[n], new string[n],
             new string[n], new string?[n], new string?[n], new DateTime[n], new DateTime[n]);
        var (codes, clicks, clickedAt) = (new string[n], new int[n], new DateTime?[n]);
        var f = new Faker("ru") { Random = new Randomizer(2027) };
        for (var i = 0; i < n; i++)
        {
            var r = sent[i];
            codes[i] = RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 10);
            var rendered = SmsTemplate.Render(text, new Dictionary<string, string?>
            {
                ["firstName"] = protector.Decrypt(r.FirstNameCipher, ContactService.FirstNameContext),
            }, CampaignDispatcher.Fallbacks).Replace(url, links.LinkFor(codes[i]), StringComparison.Ordinal);
            var e164 = protector.Decrypt(r.PhoneCipher, ContactService.PhoneContext)!;
            var segmentsOf = SmsText.Measure(rendered).Segments;
            ids[i] = r.MessageId!.Value;
            contactIds[i] = r.ContactId;
            phones[i] = protector.Encrypt(e164, SmsPii.Phone)!;
            indexes[i] = r.PhoneIndex; // sms_messages use the contacts' phone index key
            texts[i] = protector.Encrypt(rendered, SmsPii.Text)!;
            segmentCounts[i] = segmentsOf;
            keys[i] = CampaignDispatcher.IdempotencyKey(campaign.Id, r.ContactId);
            var sentAt = begin.AddSeconds(i * 14 * 60.0 / Math.Max(1, n));
            sentAts[i] = sentAt.UtcDateTime;
            statusAts[i] = sentAt.AddSeconds(f.Random.Number(3, 40)).UtcDateTime;
            (statuses[i], errors[i]) = r.Status == ContactStatus.Unreachable ? (SmsStatus.Undelivered, "absent_subscriber")
                : f.Random.Bool(0.03f) ? (SmsStatus.Failed, "provider_rejected")
                : (SmsStatus.Delivered, null);
            providerIds[i] = statuses[i] == SmsStatus.Failed ? null : $"sim-{ids[i]:N}";
            costs[i] = statuses[i] == SmsStatus.Failed ? 0m : SmsCost.Estimate(segmentsOf, 1, PricePerSegment);
            if (statuses[i] == SmsStatus.Delivered && f.Random.Bool(0.18f))
            {
                clicks[i] = f.Random.Number(1, 3);
                clickedAt[i] = sentAt.AddMinutes(f.Random.Number(1, 600)).UtcDateTime;
            }
        }

        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO sms_messages (tenant_id, id, contact_id, campaign_id, kind, purpose, category, phone_cipher, phone_index,
                text_cipher, segments, cost, idempotency_key, provider, provider_message_id, status, error_code, last_error, attempts,
                created_at, sent_at, status_at)
            SELECT @tenant, u.id, u.contact_id, @campaign, 'campaign', 'marketing', 'promotional', u.phone, u.idx, u.txt, u.segs, u.cost,
                u.key, 'Simulator', u.pid, u.status, u.err, CASE WHEN u.status = 'failed' THEN 'provider rejected the message' END,
                CASE WHEN u.status = 'failed' THEN 10 ELSE 1 END, @begin, CASE WHEN u.status <> 'failed' THEN u.sent_at END, u.status_at
            FROM unnest(@ids, @contacts, @phones, @indexes, @texts, @segs, @costs, @keys, @pids, @statuses, @errs, @sent, @statusAt)
                AS u(id, contact_id, phone, idx, txt, segs, cost, key, pid, status, err, sent_at, status_at);
            INSERT INTO short_links (code, owner_tenant_id, campaign_id, contact_id, variant, url, clicks, created_at, first_clicked_at)
            SELECT u.code, @tenant, @campaign, u.contact_id, NULL, @url, u.clicks, u.sent_at, u.clicked_at
            FROM unnest(@codes, @contacts, @clicks, @sent, @clickedAt) AS u(code, contact_id, clicks, sent_at, clicked_at);
            """, conn))
        {
            insert.Transaction = (NpgsqlTransaction)tx.GetDbTransaction();
            insert.Parameters.Add(new NpgsqlParameter("tenant", tenantId));
            insert.Parameters.Add(new NpgsqlParameter("campaign", campaign.Id));
            insert.Parameters.Add(new NpgsqlParameter("begin", NpgsqlDbType.TimestampTz) { Value = begin });
            insert.Parameters.Add(new NpgsqlParameter("url", url));
            insert.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids });
            insert.Parameters.Add(new NpgsqlParameter("contacts", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = contactIds });
            insert.Parameters.Add(new NpgsqlParameter("phones", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = phones });
            insert.Parameters.Add(new NpgsqlParameter("indexes", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = indexes });
            insert.Parameters.Add(new NpgsqlParameter("texts", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = texts });
            insert.Parameters.Add(new NpgsqlParameter("segs", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = segmentCounts });
            insert.Parameters.Add(new NpgsqlParameter("costs", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { Value = costs });
            insert.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = keys });
            insert.Parameters.Add(new NpgsqlParameter("pids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = providerIds });
            insert.Parameters.Add(new NpgsqlParameter("statuses", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = statuses });
            insert.Parameters.Add(new NpgsqlParameter("errs", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = errors });
            insert.Parameters.Add(new NpgsqlParameter("sent", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = sentAts });
            insert.Parameters.Add(new NpgsqlParameter("statusAt", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = statusAts });
            insert.Parameters.Add(new NpgsqlParameter("codes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = codes });
            insert.Parameters.Add(new NpgsqlParameter("clicks", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = clicks });
            insert.Parameters.Add(new NpgsqlParameter("clickedAt", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = clickedAt });
            await insert.ExecuteNonQueryAsync(ct);
        }

        // A few recipients answered STOP the next day: suppressed and their consent withdrawn through the ledger (it joins
        // this transaction), so the campaign's opt-out count is real.
        var active = (await db.ConsentStates.AsNoTracking()
            .Where(x => x.Purpose == "marketing" && x.Channel == "sms" && x.Status == PhoneCrm.Domain.Consent.ConsentStatus.Active)
            .Select(x => x.ContactId).ToListAsync(ct)).ToHashSet();
        foreach (var r in sent.Where((r, i) => statuses[i] == SmsStatus.Delivered && clicks[i] == 0 && active.Contains(r.ContactId)).Take(3))
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

        // Orders from people who clicked, within the week after: the campaign's revenue and ROI.
        var order = 90_000;
        foreach (var r in sent.Where((_, i) => clicks[i] > 0).Take(6))
        {
            order++;
            var product = _products[2 + order % 2 * 3]; // the greenhouse or a rose seedling
            await events.RecordAsync(new PhoneCrm.Infrastructure.Events.EventInput
            {
                Type = "order_placed",
                ExternalId = $"demo-order-{order}",
                Phone = protector.Decrypt(r.PhoneCipher, ContactService.PhoneContext),
                OccurredAt = begin.AddDays(1 + order % 4).AddHours(3),
                Data = new System.Text.Json.Nodes.JsonObject
                {
                    ["orderId"] = order.ToString(System.Globalization.CultureInfo.InvariantCulture), ["amount"] = product.Price,
                    ["currency"] = "RUB", ["utmCampaign"] = "teplicy-spring",
                },
            }, ct);
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
