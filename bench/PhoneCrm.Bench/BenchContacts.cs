using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Bench;

/// <param name="Orders">Also order events with the stats and categories they imply (the segments benchmark).</param>
/// <param name="Pii">With <paramref name="Blind"/>: real encrypted phones (<see cref="BenchContacts.PhoneOf"/>) and first names,
/// blind indexes, time zones by city, 1 % landlines and 10 % own marketing frequencies, for benchmarks that send.
/// Without them the ciphers are random bytes (nothing decrypts them).</param>
/// <param name="People">With <paramref name="Pii"/>: also last names, 40 % with an email, the name and email blind indexes and
/// the phone's last-four index, as the contacts page searches them (<see cref="BenchContacts.FirstNameOf"/>,
/// <see cref="BenchContacts.LastNameOf"/>, <see cref="BenchContacts.EmailOf"/>).</param>
/// <param name="Owners">Contact <c>i</c> belongs to <c>Owners[i % 500]</c> when <c>i % 500</c> is below their number
/// (2,000 contacts each at 1M); the others have no owner.</param>
public sealed record BenchContactOptions(int Contacts, bool Orders = true, PiiProtector? Pii = null, BlindIndex? Blind = null,
    bool People = false, Guid[]? Owners = null);

public sealed record BenchLoaded(long Contacts, long Events, long Stats, long Categories, long Consents, Guid[] Ids);

/// <summary>
/// Contacts with realistic distributions (20 cities weighted like Russia's, birthdays, genders, tags, sources, 3 %
/// unreachable/erased), optionally ~3 order events per contact, and consent states (68 % marketing SMS, 1 in 12
/// withdrawn; 85 % transactional), all generated from a fixed seed and loaded with binary COPY as the cluster's superuser.
/// Shared by the benchmarks that need a populated tenant.
/// </summary>
public static class BenchContacts
{
    private const int Seed = 2026;

    private static readonly (string City, int Weight)[] _cities =
    [
        ("Москва", 250), ("Санкт-Петербург", 120), ("Новосибирск", 40), ("Екатеринбург", 40), ("Казань", 30), ("Нижний Новгород", 30),
        ("Челябинск", 25), ("Самара", 25), ("Омск", 20), ("Ростов-на-Дону", 25), ("Уфа", 20), ("Красноярск", 20), ("Воронеж", 20),
        ("Пермь", 20), ("Волгоград", 20), ("Краснодар", 30), ("Тюмень", 15), ("Иркутск", 15), ("Алматы", 10), ("Минск", 10), ("", 215),
    ];

    private static readonly (string Category, int Weight)[] _categories =
        [("garden", 30), ("seeds", 20), ("tools", 15), ("home", 15), ("kids", 8), ("pets", 7), ("books", 5)];

    private static readonly (string Source, int Weight)[] _sources =
        [("web_shop", 40), ("website", 20), ("import", 15), ("store", 10), ("social", 8), ("api", 5), ("call", 2)];

    public static T Pick<T>(Random r, (T Value, int Weight)[] weighted)
    {
        var total = weighted.Sum(w => w.Weight);
        var x = r.Next(total);
        foreach (var (value, weight) in weighted)
        {
            if ((x -= weight) < 0) return value;
        }

        return weighted[^1].Value;
    }

    /// <summary>Generates and COPYs everything in one pass per table; stats and categories are what the events imply.</summary>
    public static async Task<BenchLoaded> LoadAsync(string connectionString, Guid tenantId, BenchContactOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var contacts = options.Contacts;
        var real = options.Pii is not null && options.Blind is not null;
        var r = new Random(Seed);
        var now = DateTimeOffset.UtcNow;
        var ids = new Guid[contacts];
        // COPY FROM is refused under row-level security: the cluster's superuser (which bypasses it) loads the data.
        var superuser = new NpgsqlConnectionStringBuilder(connectionString) { Username = EmbeddedPostgres.SuperUser, Pooling = false, CommandTimeout = 0 };
        await using var conn = new NpgsqlConnection(superuser.ConnectionString);
        await conn.OpenAsync();

        string[] tags = ["vip", "garden", "wholesale", "newsletter", "b2b"];
        // Rows are generated first and written last: the contact row carries what its events and consents imply (order
        // stats, categories bought, consent mask), as the app's updater and consent triggers would have left it.
        var rows = new ContactRow[contacts];
        for (var i = 0; i < contacts; i++)
        {
            var id = ids[i] = Guid.CreateVersion7();
            var cipher = new byte[40];
            r.NextBytes(cipher);
            var index = new byte[32];
            r.NextBytes(index);
            var city = Pick(r, _cities);
            var g = r.Next(100);
            DateOnly? birth = r.Next(100) < 78 ? DateOnly.FromDateTime(now.UtcDateTime).AddDays(-(18 * 365 + r.Next(55 * 365))) : null;
            var contactTags = r.Next(100) < 30 ? tags.Where(_ => r.Next(100) < 30).ToArray() : [];
            var st = r.Next(1000);
            var created = now.AddDays(-r.Next(3 * 365)).AddSeconds(-r.Next(86_400));
            rows[i] = new ContactRow(id, cipher, index, city.Length == 0 ? null : city, g < 47 ? "female" : g < 87 ? "male" : "unknown", birth,
                contactTags, Pick(r, _sources), st < 970 ? "active" : st < 990 ? "unreachable" : "erased", created);
        }

        long events = 0, stats = 0, categoryRows = 0;
        var statsOf = new Dictionary<Guid, ContactStatsRow>();
        var categoriesOf = new Dictionary<Guid, List<string>>();
        var maskOf = new Dictionary<Guid, long>();
        var expiryOf = new Dictionary<Guid, DateTimeOffset>();
        // Events and consent states reference contacts that are written last; the data is consistent by construction, so
        // foreign-key and consent-mask triggers are off for this session (the loader is the superuser).
        await using (var replica = new NpgsqlCommand("SET session_replication_role = replica", conn)) await replica.ExecuteNonQueryAsync();
        if (options.Orders)
        {
            // Orders: 60 % of contacts buy; a buyer has 1–15 orders (mean ≈ 5), so about 3 per contact overall.
            var statRows = new List<(Guid Id, DateTimeOffset Last, int Count, decimal Total)>();
            var categoryLast = new List<(Guid Id, string Category, DateTimeOffset Last)>();
            await using (var w = await conn.BeginBinaryImportAsync(
                "COPY contact_events (tenant_id, id, contact_id, type, external_id, occurred_at, received_at, data, amount, body_hash) FROM STDIN (FORMAT BINARY)"))
            {
                var hash = new byte[32];
                var perContact = new Dictionary<string, DateTimeOffset>();
                foreach (var contact in ids)
                {
                    if (r.Next(100) >= 60) continue;
                    var orders = 1 + (int)Math.Min(14, -Math.Log(1 - r.NextDouble()) * 4);
                    var total = 0m;
                    var last = DateTimeOffset.MinValue;
                    perContact.Clear();
                    for (var o = 0; o < orders; o++)
                    {
                        // Recent months are busier: the age in days is skewed towards 0.
                        var at = now.AddDays(-Math.Pow(r.NextDouble(), 1.6) * 3 * 365);
                        var category = Pick(r, _categories);
                        var amount = Math.Round((decimal)Math.Exp(6.5 + r.NextDouble() * 3), 2);
                        total += amount;
                        if (at > last) last = at;
                        if (!perContact.TryGetValue(category, out var c) || c < at) perContact[category] = at;
                        r.NextBytes(hash);
                        await w.StartRowAsync();
                        await w.WriteAsync(tenantId, NpgsqlDbType.Uuid);
                        await w.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                        await w.WriteAsync(contact, NpgsqlDbType.Uuid);
                        await w.WriteAsync("order_placed", NpgsqlDbType.Varchar);
                        await w.WriteAsync("o-" + events, NpgsqlDbType.Varchar);
                        await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
                        await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
                        await w.WriteAsync($$"""{"amount":{{amount.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"items":[{"category":"{{category}}"}]}""", NpgsqlDbType.Jsonb);
                        await w.WriteAsync(amount, NpgsqlDbType.Numeric);
                        await w.WriteAsync(hash, NpgsqlDbType.Bytea);
                        events++;
                    }

                    statRows.Add((contact, last, orders, total));
                    foreach (var (category, at) in perContact) categoryLast.Add((contact, category, at));
                }

                await w.CompleteAsync();
            }

            foreach (var (id, last, count, total) in statRows)
            {
                statsOf[id] = new ContactStatsRow(last, count, total, r.Next(100) < 10 ? r.Next(1, 4) : 0);
                stats++;
            }

            foreach (var (id, category, _) in categoryLast.OrderBy(c => c.Category, StringComparer.Ordinal))
            {
                if (!categoriesOf.TryGetValue(id, out var list)) categoriesOf[id] = list = [];
                list.Add(category);
            }

            await using (var w = await conn.BeginBinaryImportAsync(
                "COPY contact_categories (tenant_id, contact_id, category, last_purchased_at) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var (id, category, last) in categoryLast)
                {
                    await w.StartRowAsync();
                    await w.WriteAsync(tenantId, NpgsqlDbType.Uuid);
                    await w.WriteAsync(id, NpgsqlDbType.Uuid);
                    await w.WriteAsync(category, NpgsqlDbType.Varchar);
                    await w.WriteAsync(last, NpgsqlDbType.TimestampTz);
                    categoryRows++;
                }

                await w.CompleteAsync();
            }
        }

        // Consents: ~68 % marketing SMS (of which 1 in 12 withdrawn), ~85 % transactional SMS, some expired.
        long consents = 0;
        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY consent_states (tenant_id, contact_id, purpose, channel, status, granted_at, withdrawn_at, expires_at, legal_basis, last_record_id) FROM STDIN (FORMAT BINARY)"))
        {
            async Task RowAsync(Guid contact, string purpose, bool active, DateTimeOffset granted, DateTimeOffset? expires)
            {
                // Bits as the trigger assigns them (keys in order): marketing:sms 0, transactional:sms 1.
                if (active) maskOf[contact] = maskOf.GetValueOrDefault(contact) | (purpose == "marketing" ? 1L : 2L);
                if (active && expires is { } next && (!expiryOf.TryGetValue(contact, out var soonest) || next < soonest)) expiryOf[contact] = next;
                await w.StartRowAsync();
                await w.WriteAsync(tenantId, NpgsqlDbType.Uuid);
                await w.WriteAsync(contact, NpgsqlDbType.Uuid);
                await w.WriteAsync(purpose, NpgsqlDbType.Varchar);
                await w.WriteAsync("sms", NpgsqlDbType.Varchar);
                await w.WriteAsync(active ? "active" : "withdrawn", NpgsqlDbType.Varchar);
                await w.WriteAsync(granted, NpgsqlDbType.TimestampTz);
                if (active) await w.WriteNullAsync();
                else await w.WriteAsync(granted.AddDays(30), NpgsqlDbType.TimestampTz);
                if (expires is { } e) await w.WriteAsync(e, NpgsqlDbType.TimestampTz);
                else await w.WriteNullAsync();
                await w.WriteAsync(purpose == "marketing" ? "consent" : "contract", NpgsqlDbType.Varchar);
                await w.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                consents++;
            }

            foreach (var contact in ids)
            {
                var granted = now.AddDays(-r.Next(3 * 365));
                if (r.Next(100) < 68) await RowAsync(contact, "marketing", r.Next(12) != 0, granted, granted.AddDays(3 * 365));
                if (r.Next(100) < 85) await RowAsync(contact, "transactional", true, granted, null);
            }

            await w.CompleteAsync();
        }

        await using (var keys = new NpgsqlCommand(
            "INSERT INTO consent_keys (tenant_id, purpose, channel, bit) VALUES (@t, 'marketing', 'sms', 0), (@t, 'transactional', 'sms', 1)", conn))
        {
            keys.Parameters.AddWithValue("t", tenantId);
            await keys.ExecuteNonQueryAsync();
        }

        await WriteContactsAsync(conn, tenantId, rows, options, statsOf, categoriesOf, (maskOf, expiryOf));
        // The search keys the contacts' insert trigger would have written (triggers are off for this session).
        await using (var keys = new NpgsqlCommand("""
            INSERT INTO contact_search_tokens (tenant_id, token, contact_id)
            SELECT c.tenant_id, k, c.id FROM contacts c CROSS JOIN LATERAL contact_search_keys(c.name_token_indexes, c.tags) AS k
            WHERE c.tenant_id = @t
            """, conn))
        {
            keys.Parameters.AddWithValue("t", tenantId);
            keys.CommandTimeout = 0;
            await keys.ExecuteNonQueryAsync();
        }
        await using (var normal = new NpgsqlCommand("SET session_replication_role = DEFAULT", conn)) await normal.ExecuteNonQueryAsync();

        // Settled as a large import leaves it (ImportSettle): VACUUM sets hint bits and the visibility map (index-only
        // scans), ANALYZE the statistics. The CHECKPOINT then writes the gigabytes the load dirtied, so the measurement
        // that follows does not share the disk with the checkpointer flushing them (issue 18: the first segments run after
        // the loader took 424 ms p95 against 245 ms on a restarted cluster, whose shutdown had checkpointed).
        await using (var analyze = new NpgsqlCommand(
            "VACUUM (ANALYZE) contacts, contact_search_tokens, contact_events, contact_categories, consent_states, consent_keys; CHECKPOINT", conn))
        {
            analyze.CommandTimeout = 0;
            await analyze.ExecuteNonQueryAsync();
        }

        return new BenchLoaded(contacts, events, stats, categoryRows, consents, ids);
    }

    private sealed record ContactRow(Guid Id, byte[] Cipher, byte[] Index, string? City, string Gender, DateOnly? Birth, string[] Tags,
        string Source, string Status, DateTimeOffset Created);

    private sealed record ContactStatsRow(DateTimeOffset Last, int Orders, decimal Total, int Unanswered);

    private static async Task WriteContactsAsync(NpgsqlConnection conn, Guid tenantId, ContactRow[] rows, BenchContactOptions options,
        Dictionary<Guid, ContactStatsRow> statsOf, Dictionary<Guid, List<string>> categoriesOf,
        (Dictionary<Guid, long> Bits, Dictionary<Guid, DateTimeOffset> NextExpiry) consents)
    {
        var real = options.Pii is not null && options.Blind is not null;
        var people = real && options.People;
        await using var w = await conn.BeginBinaryImportAsync(
            "COPY contacts (tenant_id, id, phone_cipher, phone_index, phone_type, phone_region, name_token_indexes, city, gender, birth_date, tags, "
            + "source_channel, attributes, status, time_zone, created_at, updated_at, last_purchase_at, orders_count, total_spent, avg_order_value, "
            + "last_engaged_at, unanswered_messages, purchased_categories, consent_mask, consents_expire_at"
            + (real ? ", first_name_cipher, marketing_frequency" : "")
            + (people ? ", last_name_cipher, email_cipher, email_index, phone_suffix_index" : "")
            + (options.Owners is { Length: > 0 } ? ", owner_id" : "") + ") FROM STDIN (FORMAT BINARY)");
        var personal = new PersonalRow[PersonalChunk];
        for (var i = 0; i < rows.Length; i++)
        {
            var c = rows[i];
            // Ciphers and blind indexes are the costly part: a chunk of rows is computed in parallel before it is written.
            if (people && i % PersonalChunk == 0)
            {
                var start = i;
                Parallel.For(0, Math.Min(PersonalChunk, rows.Length - start), j => personal[j] = Personal(start + j, tenantId, options.Pii!, options.Blind!.ForTenant(tenantId, BlindIndex.TenantBoundVersion)));
            }

            await w.StartRowAsync();
            await w.WriteAsync(tenantId, NpgsqlDbType.Uuid);
            await w.WriteAsync(c.Id, NpgsqlDbType.Uuid);
            if (real)
            {
                // Real, unique numbers that decrypt and blind-index like imported ones (the dispatch sends to them).
                var e164 = PhoneOf(i);
                await w.WriteAsync(options.Pii!.Encrypt(e164, tenantId, ContactService.PhoneContext)!, NpgsqlDbType.Bytea);
                await w.WriteAsync(options.Blind!.ForTenant(tenantId, BlindIndex.TenantBoundVersion).Phone(e164), NpgsqlDbType.Bytea);
                // 1 % landlines (the policy skips them as invalidPhone).
                await w.WriteAsync(i % 100 == 37 ? PhoneTypes.FixedLine : PhoneTypes.Mobile, NpgsqlDbType.Varchar);
            }
            else
            {
                await w.WriteAsync(c.Cipher, NpgsqlDbType.Bytea);
                await w.WriteAsync(c.Index, NpgsqlDbType.Bytea);
                await w.WriteAsync("mobile", NpgsqlDbType.Varchar);
            }
            await w.WriteAsync("RU", NpgsqlDbType.Varchar);
            await w.WriteAsync(people ? personal[i % PersonalChunk].NameTokens : Array.Empty<byte[]>(), NpgsqlDbType.Array | NpgsqlDbType.Bytea);
            if (c.City is null) await w.WriteNullAsync();
            else await w.WriteAsync(c.City, NpgsqlDbType.Varchar);
            await w.WriteAsync(c.Gender, NpgsqlDbType.Varchar);
            if (c.Birth is { } b) await w.WriteAsync(b, NpgsqlDbType.Date);
            else await w.WriteNullAsync();
            await w.WriteAsync(c.Tags, NpgsqlDbType.Array | NpgsqlDbType.Text);
            await w.WriteAsync(c.Source, NpgsqlDbType.Varchar);
            await w.WriteAsync("{}", NpgsqlDbType.Jsonb);
            await w.WriteAsync(c.Status, NpgsqlDbType.Varchar);
            await w.WriteAsync(real ? ZoneOf(c.City ?? "", i) : "Europe/Moscow", NpgsqlDbType.Varchar);
            await w.WriteAsync(c.Created, NpgsqlDbType.TimestampTz);
            await w.WriteAsync(c.Created, NpgsqlDbType.TimestampTz);
            if (statsOf.TryGetValue(c.Id, out var st))
            {
                await w.WriteAsync(st.Last, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(st.Orders, NpgsqlDbType.Integer);
                await w.WriteAsync(st.Total, NpgsqlDbType.Numeric);
                await w.WriteAsync(Math.Round(st.Total / st.Orders, 2), NpgsqlDbType.Numeric);
                await w.WriteAsync(st.Last, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(st.Unanswered, NpgsqlDbType.Integer);
            }
            else
            {
                await w.WriteNullAsync();
                await w.WriteAsync(0, NpgsqlDbType.Integer);
                await w.WriteAsync(0m, NpgsqlDbType.Numeric);
                await w.WriteNullAsync();
                await w.WriteNullAsync();
                await w.WriteAsync(0, NpgsqlDbType.Integer);
            }
            await w.WriteAsync(categoriesOf.TryGetValue(c.Id, out var k) ? k.ToArray() : [], NpgsqlDbType.Array | NpgsqlDbType.Text);
            await w.WriteAsync(consents.Bits.GetValueOrDefault(c.Id), NpgsqlDbType.Bigint);
            if (consents.NextExpiry.TryGetValue(c.Id, out var expiry)) await w.WriteAsync(expiry, NpgsqlDbType.TimestampTz);
            else await w.WriteNullAsync();
            if (real)
            {
                await w.WriteAsync(people ? personal[i % PersonalChunk].FirstName : options.Pii!.Encrypt(FirstNameOf(i), tenantId, ContactService.FirstNameContext)!,
                    NpgsqlDbType.Bytea);
                // 5 % chose weekly and 5 % monthly marketing.
                if (i % 20 == 3) await w.WriteAsync(MarketingFrequency.Weekly, NpgsqlDbType.Varchar);
                else if (i % 20 == 7) await w.WriteAsync(MarketingFrequency.Monthly, NpgsqlDbType.Varchar);
                else await w.WriteNullAsync();
            }

            if (people)
            {
                var p = personal[i % PersonalChunk];
                await w.WriteAsync(p.LastName, NpgsqlDbType.Bytea);
                if (p.Email is null)
                {
                    await w.WriteNullAsync();
                    await w.WriteNullAsync();
                }
                else
                {
                    await w.WriteAsync(p.Email, NpgsqlDbType.Bytea);
                    await w.WriteAsync(p.EmailIndex!, NpgsqlDbType.Bytea);
                }

                await w.WriteAsync(p.Suffix, NpgsqlDbType.Bytea);
            }

            if (options.Owners is { Length: > 0 } owners)
            {
                if (i % 500 < owners.Length) await w.WriteAsync(owners[i % 500], NpgsqlDbType.Uuid);
                else await w.WriteNullAsync();
            }
        }

        await w.CompleteAsync();
    }

    private const int PersonalChunk = 8192;

    private sealed record PersonalRow(byte[] FirstName, byte[] LastName, byte[]? Email, byte[]? EmailIndex, byte[] Suffix, byte[][] NameTokens);

    private static PersonalRow Personal(int i, Guid tenantId, PiiProtector pii, TenantBlindIndex blind)
    {
        var (first, last, email) = (FirstNameOf(i), LastNameOf(i), EmailOf(i));
        return new PersonalRow(pii.Encrypt(first, tenantId, ContactService.FirstNameContext)!, pii.Encrypt(last, tenantId, ContactService.LastNameContext)!,
            pii.Encrypt(email, tenantId, ContactService.EmailContext), email is null ? null : blind.Email(email), blind.PhoneSuffix(PhoneOf(i)),
            blind.NameTokens(first, last).ToArray());
    }

    /// <summary>The unique E.164 number of the <paramref name="i"/>-th generated contact.</summary>
    /// <summary>
    /// The consent ledger behind the loaded states (the send policy cites the record behind each message): a grant for each
    /// state (a withdrawal after it for withdrawn ones), in time order, as the app appends them; the chain's hashes are
    /// placeholders (nothing here verifies the chain). With <paramref name="plantEvery"/>: that share of active marketing
    /// states also gets a newer withdrawal the state missed (a mismatch for the reconciliation job). Superuser connection.
    /// </summary>
    public static async Task LoadLedgerAsync(NpgsqlConnection conn, Guid tenantId, int? plantEvery = null)
    {
        ArgumentNullException.ThrowIfNull(conn);
        var planted = plantEvery is { } every ? $"""
              UNION ALL
              SELECT s.contact_id, s.purpose, s.channel, s.legal_basis, NULL, gen_random_uuid(), 'withdraw', now() - interval '1 day'
              FROM consent_states s JOIN contacts c ON c.tenant_id = s.tenant_id AND c.id = s.contact_id
              WHERE s.tenant_id = '{tenantId}' AND s.status = 'active' AND s.purpose = 'marketing' AND c.status = 'active'
                AND abs(hashtext(s.contact_id::text)) % {every} = 0
            """ : "";
        await using var cmd = new NpgsqlCommand($"""
            SET session_replication_role = replica;
            CREATE TEMP TABLE ledger AS
              SELECT s.contact_id, s.purpose, s.channel, s.legal_basis, s.expires_at,
                     CASE WHEN s.status = 'active' THEN s.last_record_id ELSE gen_random_uuid() END AS id, 'grant' AS action, s.granted_at AS at
              FROM consent_states s WHERE s.tenant_id = '{tenantId}'
              UNION ALL
              SELECT s.contact_id, s.purpose, s.channel, s.legal_basis, NULL, s.last_record_id, 'withdraw', s.withdrawn_at
              FROM consent_states s WHERE s.tenant_id = '{tenantId}' AND s.status = 'withdrawn'
              {planted};
            INSERT INTO consent_records (tenant_id, seq, id, contact_id, purpose, channel, action, legal_basis, method, captured_at, recorded_at,
                                         expires_at, prev_hash, hash)
            SELECT '{tenantId}', row_number() OVER (ORDER BY at, id), id, contact_id, purpose, channel, action, legal_basis, 'web_form', at, at,
                   expires_at, '\x00'::bytea, sha256(id::text::bytea)
            FROM ledger;
            INSERT INTO consent_chain_heads (tenant_id, last_seq, last_hash)
            SELECT '{tenantId}', count(*), '\x00'::bytea FROM ledger;
            DROP TABLE ledger;
            SET session_replication_role = origin;
            """, conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync();
    }

    public static string PhoneOf(int i) => "+79" + i.ToString("D9", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly string[] _firstNames =
    [
        "Анна", "Иван", "Мария", "Алексей", "Елена", "Дмитрий", "Ольга", "Сергей", "Наталья", "Андрей", "Татьяна", "Михаил", "Ирина",
        "Николай", "Светлана", "Павел", "Юлия", "Владимир", "Екатерина", "Александр", "Галина", "Игорь", "Людмила", "Олег", "Марина",
        "Виктор", "Вера", "Роман", "Ксения", "Артём",
    ];

    private static readonly string[] _lastNames =
    [
        "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков",
        "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
        "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов",
        "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв", "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв",
        "Белов", "Медведев", "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев", "Герасимов",
        "Богданов", "Осипов", "Сидоров", "Матвеев", "Титов", "Марков", "Миронов", "Крылов", "Куликов", "Карпов", "Власов", "Мельников",
        "Денисов", "Гаврилов", "Тихонов", "Казаков", "Афанасьев", "Данилов", "Савельев", "Тимофеев", "Фомин", "Чернов", "Абрамов",
        "Мартынов", "Ефимов", "Федотов", "Щербаков", "Назаров", "Калинин", "Исаев", "Чернышёв", "Быков", "Маслов", "Родионов",
        "Коновалов", "Лазарев", "Воронин", "Климов", "Филатов", "Пономарёв", "Голубев", "Кудрявцев", "Прохоров",
    ];

    /// <summary>The first name of the <paramref name="i"/>-th generated contact (30 names).</summary>
    public static string FirstNameOf(int i) => _firstNames[i % _firstNames.Length];

    /// <summary>The last name of the <paramref name="i"/>-th contact with <see cref="BenchContactOptions.People"/> (100 names,
    /// independent of the first: a full name is shared by ~330 of a million contacts, a last name by ~10,000).</summary>
    public static string LastNameOf(int i) => _lastNames[i / _firstNames.Length % _lastNames.Length];

    /// <summary>The email of the <paramref name="i"/>-th contact with <see cref="BenchContactOptions.People"/>: 40 % have one.</summary>
    public static string? EmailOf(int i) => i % 5 < 2 ? $"client{i}@mail.example" : null;

    /// <summary>The contact's zone from its city; contacts without a city spread over Russia's zones, most in Moscow time.</summary>
    private static string ZoneOf(string city, int i) => city switch
    {
        "Самара" => "Europe/Samara",
        "Екатеринбург" or "Челябинск" or "Пермь" or "Уфа" or "Тюмень" => "Asia/Yekaterinburg",
        "Омск" => "Asia/Omsk",
        "Новосибирск" => "Asia/Novosibirsk",
        "Красноярск" => "Asia/Krasnoyarsk",
        "Иркутск" => "Asia/Irkutsk",
        "Алматы" => "Asia/Almaty",
        "Минск" => "Europe/Minsk",
        "" => (i % 20) switch
        {
            0 => "Europe/Kaliningrad",
            1 => "Asia/Vladivostok",
            2 => "Asia/Yakutsk",
            3 => "Asia/Magadan",
            4 => "Asia/Kamchatka",
            5 or 6 => "Asia/Yekaterinburg",
            7 => "Asia/Novosibirsk",
            _ => "Europe/Moscow",
        },
        _ => "Europe/Moscow",
    };
}
