using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.IntegrationTests.Consent;
using PhoneCrm.IntegrationTests.Contacts;
using PhoneCrm.IntegrationTests.Infrastructure;
using PhoneCrm.IntegrationTests.Messaging;

namespace PhoneCrm.IntegrationTests.Requests;

/// <summary>A person with data in every table, erased; then the whole database is searched for anything of theirs.</summary>
[Collection(AppCollection.Name)]
public sealed class ErasureTests(AppFixture app)
{
    /// <summary>Every encryption context of the product: a ciphertext found anywhere is decrypted with each until one fits.</summary>
    private static readonly string[] _contexts =
    [
        ContactService.PhoneContext, ContactService.FirstNameContext, ContactService.LastNameContext, ContactService.EmailContext,
        ContactService.NoteContext, FormSubmissions.PhoneContext, FormSubmissions.NameContext, SmsPii.Phone, SmsPii.Text,
        SmsPii.SimulatorPhone, SmsPii.SimulatorText, SmsPii.InboundFrom, SmsPii.InboundText, SmsPii.NumberChangePhone,
        PhoneCrm.Infrastructure.Imports.ImportRun.RejectionContext, DestructionActs.SubjectNameContext,
    ];

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    internal sealed record Person(string Phone, string FirstName, string LastName, string Email, string Note, string Message,
        string Inbound, string Ip, string UserAgent, string Attribute)
    {
        public string Digits => Phone[1..];
        public string National => Phone[2..];

        public IEnumerable<string> Values => [Phone, Digits, National, FirstName, LastName, Email, Note, Message, Inbound, Ip, UserAgent, Attribute];

        public static Person Make()
        {
            var tag = Guid.NewGuid().ToString("N")[..8];
            return new Person(SmsTestData.Phone(), "Евлампия" + tag[..3], "Кукушкина" + tag[3..6], $"evlampia.{tag}@example.ru",
                $"Перезвонить насчёт рассады {tag}", $"Евлампия, заказ {tag} собран", $"Спасибо, получила {tag}",
                $"198.51.{Random.Shared.Next(1, 250)}.{Random.Shared.Next(1, 250)}", $"ErasureAgent/{tag}", $"LC-{tag}");
        }
    }

    /// <summary>Leaves the person's values in every table a customer's data reaches; returns the contact id.</summary>
    internal static async Task<Guid> PopulateAsync(AppFixture app, TestTenant tenant, Person p)
    {
        using var api = tenant.Api();
        var created = await api.PostAsync("/api/v1/contacts", Json($$$"""
            {"phone":"{{{p.Phone}}}","firstName":"{{{p.FirstName}}}","lastName":"{{{p.LastName}}}","email":"{{{p.Email}}}",
             "city":"Тула","birthDate":"1980-03-08","tags":["rassada"],"attributes":{"card":"{{{p.Attribute}}}"}}
            """));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var contactId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var granted = await api.PostAsJsonAsync("/api/v1/consents", new
        {
            phone = p.Phone, purpose = "marketing", channel = "sms", legalBasis = "consent",
            evidence = new { method = "web_form", ip = p.Ip, userAgent = p.UserAgent, sourceUrl = $"https://shop.example/p?phone={p.Digits}" },
        });
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);

        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync("/api/v1/events", Json($$$"""
            {"type":"order_placed","externalId":"erasure-{{{p.Attribute}}}","phone":"{{{p.Phone}}}","occurredAt":"2026-11-20T12:00:00Z",
             "data":{"orderId":"{{{p.Attribute}}}","amount":150,"currency":"RUB","comment":"{{{p.FirstName}}} {{{p.LastName}}}",
                     "items":[{"sku":"S","name":"Семена","category":"garden","price":150,"quantity":1}]}}
            """))).StatusCode);

        await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<ContactService>()
            .AddNoteAsync(contactId, p.Note, null, "Оператор", ContactScope.Full, CancellationToken.None));
        await tenant.SendAsync(SmsTestData.Sms(p.Phone, p.Message));
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync("/api/v1/sms/inbound",
            new { from = p.Phone, to = "PhoneCrm", text = p.Inbound, receivedAt = DateTimeOffset.UtcNow })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync("/api/v1/sms/inbound",
            new { from = p.Phone, to = "PhoneCrm", text = "НОВЫЙ", receivedAt = DateTimeOffset.UtcNow.AddSeconds(1) })).StatusCode);

        // A web form's double opt-in challenge (number and name encrypted, the visitor's address as evidence).
        var form = await CaptureFormTests.CreateFormAsync(tenant);
        using (var visitor = app.Client())
        {
            visitor.DefaultRequestHeaders.Add(TestClientIpFilter.Header, p.Ip);
            await visitor.PostAsync($"/f/{tenant.Id}/{form.Key}", new FormUrlEncodedContent(
                [new("Phone", p.Phone), new("Name", p.FirstName), new("Purposes", "marketing")]));
        }

        // An import naming the person (the uploaded file is stored), with a rejected line that quotes their name.
        var csv = $"phone;first_name;last_name\n{p.Phone};{p.FirstName};{p.LastName}\nnot-a-phone {p.FirstName};{p.FirstName};x\n";
        var status = await ImportsApiTests.ImportAndWaitAsync(api, Encoding.UTF8.GetBytes(csv), "people.csv");
        Assert.Equal("completed", status.GetProperty("status").GetString());

        // Reads and searches of the person leave audit entries.
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/v1/contacts?phone={Uri.EscapeDataString(p.Phone)}")).StatusCode);
        return contactId;
    }

    internal static Task<Guid> EraseAsync(TestTenant tenant, Guid contactId, Guid? requestId = null) => tenant.App.InTenantAsync(tenant.Id,
        sp => sp.GetRequiredService<ContactErasure>().EraseAsync(contactId, DestructionReason.SubjectRequest, requestId ?? Guid.NewGuid(),
            CancellationToken.None));

    [Fact]
    public async Task After_an_erasure_no_table_or_column_holds_a_value_of_the_person_and_the_chain_still_verifies()
    {
        var tenant = await app.CreateTenantAsync();
        var p = Person.Make();
        var other = Person.Make();
        var contactId = await PopulateAsync(app, tenant, p);
        using var api = tenant.Api();
        await api.PostAsJsonAsync("/api/v1/consents", new
        {
            phone = other.Phone, purpose = "marketing", channel = "sms", legalBasis = "consent",
            evidence = new { method = "web_form", ip = other.Ip, userAgent = other.UserAgent },
        });
        // The scan does see the person before, in every kind of place.
        var before = (await FindAsync(tenant.Id, p.Values, includeActs: true)).Select(f => f[..f.IndexOf(':', StringComparison.Ordinal)]).ToHashSet();
        foreach (var place in new[]
                 {
                     "public.contacts.phone_cipher", "public.contacts.first_name_cipher", "public.contacts.email_cipher", "public.contacts.attributes",
                     "public.contact_notes.text_cipher", "public.contact_events.data", "public.sms_messages.text_cipher",
                     "public.sms_simulator_messages.phone_cipher", "public.sms_inbound.text_cipher", "public.sms_number_changes.old_phone_index",
                     "public.consent_records.ip", "public.consent_records.source_url", "public.consent_code_challenges.phone_cipher",
                     "public.import_rejections.value_enc", // an import's file itself is encrypted per chunk and deleted once the import is done
                 })
            Assert.True(before.Contains(place) || place.EndsWith("_index", StringComparison.Ordinal), $"{place} not seen before the erasure: {string.Join(", ", before)}");

        var actId = await EraseAsync(tenant, contactId);

        var found = await FindAsync(tenant.Id, p.Values, includeActs: false);
        Assert.True(found.Count == 0, "Left after the erasure:\n" + string.Join('\n', found));
        // The act alone keeps the subject's name (the legally required proof), encrypted.
        Assert.Contains(await FindAsync(tenant.Id, [p.FirstName], includeActs: true), f => f.StartsWith("public.destruction_acts.subject_name_cipher", StringComparison.Ordinal));
        // The other person is untouched, and the ledger still verifies with the erased evidence.
        Assert.NotEmpty(await FindAsync(tenant.Id, [other.Ip], includeActs: false));
        var chain = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<ConsentLedger>().VerifyChainAsync(CancellationToken.None));
        Assert.True(chain.Valid);
        Assert.True(chain.Records >= 2);
        var records = await tenant.WithDbAsync(db => db.ConsentRecords.AsNoTracking().Where(r => r.ContactId == contactId).ToListAsync());
        Assert.NotEmpty(records);
        Assert.All(records, r => Assert.True(r.EvidenceErasedAt is not null && r.Ip is null && r.UserAgent is null && r.SourceUrl is null));

        var contact = await tenant.WithDbAsync(db => db.Contacts.AsNoTracking().SingleAsync(c => c.Id == contactId));
        Assert.Equal(ContactStatus.Erased, contact.Status);
        var list = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts?phone={Uri.EscapeDataString(p.Phone)}");
        Assert.Empty(list.GetProperty("items").EnumerateArray());
        Assert.Equal(actId, await EraseAsync(tenant, contactId)); // a second erasure answers the first act
    }

    [Fact]
    public async Task Tampering_with_kept_evidence_or_forging_an_erasure_breaks_the_chain()
    {
        var tenant = await app.CreateTenantAsync();
        var p = Person.Make();
        using var api = tenant.Api();
        await api.PostAsJsonAsync("/api/v1/consents", new
        {
            phone = p.Phone, purpose = "marketing", channel = "sms", legalBasis = "consent",
            evidence = new { method = "web_form", ip = p.Ip, userAgent = p.UserAgent },
        });
        await using var conn = await OwnerConnectionAsync(tenant.Id);

        await ExecAsync(conn, $"UPDATE consent_records SET ip = '203.0.113.250' WHERE tenant_id = '{tenant.Id}'");
        Assert.False((await VerifyAsync(tenant)).Valid);
        await ExecAsync(conn, $"UPDATE consent_records SET evidence_erased_at = now() WHERE tenant_id = '{tenant.Id}'");
        Assert.False((await VerifyAsync(tenant)).Valid); // "erased" while the evidence is still there
        await ExecAsync(conn, $"UPDATE consent_records SET ip = NULL, user_agent = NULL, evidence_salt = NULL WHERE tenant_id = '{tenant.Id}'");
        Assert.True((await VerifyAsync(tenant)).Valid); // what an erasure does
    }

    [Fact]
    public async Task An_erased_number_never_receives_marketing_again_whatever_brings_it_back()
    {
        var tenant = await app.CreateTenantAsync();
        var p = Person.Make();
        var contactId = await PopulateAsync(app, tenant, p);
        await EraseAsync(tenant, contactId);
        using var api = tenant.Api();

        var reimport = await ImportsApiTests.ImportAndWaitAsync(api, Encoding.UTF8.GetBytes($"phone;first_name\n{p.Phone};{p.FirstName}\n"), "again.csv");
        Assert.Equal(1, reimport.GetProperty("rejected").GetInt32());
        Assert.Equal(0, reimport.GetProperty("created").GetInt32());
        var list = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts?phone={Uri.EscapeDataString(p.Phone)}");
        Assert.Empty(list.GetProperty("items").EnumerateArray());

        // The API and a new consent bring the number back as a customer (orders, transactional messages), never as a
        // marketing recipient.
        var granted = await api.PostAsJsonAsync("/api/v1/consents", new
        {
            phone = p.Phone, purpose = "marketing", channel = "sms", legalBasis = "consent", evidence = new { method = "web_form" },
        });
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        var back = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts?phone={Uri.EscapeDataString(p.Phone)}");
        var newId = back.GetProperty("items")[0].GetProperty("id").GetGuid();
        Assert.NotEqual(contactId, newId);

        var (marketing, transactional, byNumber) = await app.InTenantAsync(tenant.Id, async sp =>
        {
            var policy = sp.GetRequiredService<SendPolicyService>();
            var m = await policy.DecideAsync(new SendIntent("marketing", SmsCategories.Promotional, SmsKinds.Campaign), [newId]);
            var t = await policy.DecideAsync(new SendIntent(ConsentTerms.Transactional, SmsCategories.Transactional, SmsKinds.Automation), [newId]);
            var n = await policy.DecideNumberAsync(new SendIntent("marketing", SmsCategories.Informational, SmsKinds.Test), p.Phone);
            return (m[newId], t[newId], n);
        });
        Assert.Equal(SendOutcome.Skip, marketing.Outcome);
        Assert.Equal(SendReasons.Suppressed, marketing.Reason);
        Assert.NotEqual(SendReasons.Suppressed, transactional.Reason);
        Assert.Equal(SendReasons.Suppressed, byNumber.Reason);

        // The tombstone is the tenant's: the same number elsewhere is an ordinary number.
        var elsewhere = await app.CreateTenantAsync();
        using var otherApi = elsewhere.Api();
        var otherImport = await ImportsApiTests.ImportAndWaitAsync(otherApi, Encoding.UTF8.GetBytes($"phone\n{p.Phone}\n"), "x.csv");
        Assert.Equal(1, otherImport.GetProperty("created").GetInt32());
    }

    private Task<ChainVerification> VerifyAsync(TestTenant tenant) =>
        app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<ConsentLedger>().VerifyChainAsync(CancellationToken.None));

    /// <summary>
    /// The schema owner's connection: no grant limits it, but row-level security is forced on the owner too, so the
    /// tenant's rows are visible once the tenant is set (global tables always are).
    /// </summary>
    private async Task<NpgsqlConnection> OwnerConnectionAsync(Guid tenantId)
    {
        var conn = new NpgsqlConnection(app.Factory.ConnectionString);
        await conn.OpenAsync();
        await ExecAsync(conn, $"SELECT set_config('app.tenant_id', '{tenantId}', false)");
        return conn;
    }

    private static async Task ExecAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Every text, varchar, json(b), bytea and array column of every table of every schema, read whole as the owner:
    /// ciphertexts are decrypted with the PII key ring, raw bytes are also read as UTF-8 (an uploaded file). Returns
    /// <c>schema.table.column: value</c> for each value holding one of <paramref name="needles"/>.
    /// </summary>
    private async Task<List<string>> FindAsync(Guid tenantId, IEnumerable<string> needles, bool includeActs)
    {
        var wanted = needles.ToList();
        var pii = app.Factory.Services.GetRequiredService<PiiProtector>();
        var found = new List<string>();
        await using var conn = await OwnerConnectionAsync(tenantId);
        var columns = new List<(string Schema, string Table, string Column)>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT c.table_schema, c.table_name, c.column_name
            FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
            WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema')
              AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea')
                   OR c.udt_name IN ('_text', '_varchar', '_bytea', '_jsonb'))
            ORDER BY 1, 2, 3
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync()) columns.Add((r.GetString(0), r.GetString(1), r.GetString(2)));
        }

        Assert.Contains(columns, c => c.Table == "contacts" && c.Column == "phone_cipher");
        foreach (var (schema, table, column) in columns)
        {
            if (!includeActs && table == "destruction_acts" && column == "subject_name_cipher") continue;
            await using var cmd = new NpgsqlCommand($"SELECT \"{column}\" FROM \"{schema}\".\"{table}\" WHERE \"{column}\" IS NOT NULL", conn);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                foreach (var text in Texts(r.GetValue(0), pii, tenantId))
                {
                    if (wanted.FirstOrDefault(n => text.Contains(n, StringComparison.OrdinalIgnoreCase)) is { } hit)
                        found.Add($"{schema}.{table}.{column}: {hit} in {text[..Math.Min(text.Length, 200)]}");
                }
            }
        }

        return found;
    }

    private static IEnumerable<string> Texts(object value, PiiProtector pii, Guid tenantId)
    {
        switch (value)
        {
            case string s:
                yield return s;
                break;
            case byte[] bytes:
                yield return Encoding.UTF8.GetString(bytes);
                // The tenant's values, and the platform's own (second factors, data-protection keys).
                foreach (var (owner, context) in new[] { tenantId, PiiProtector.Platform }.SelectMany(o => _contexts.Select(c => (o, c))))
                {
                    string? plain = null;
                    try { plain = pii.Decrypt(bytes, owner, context); }
                    catch (Exception e) when (e is PiiDecryptionException or System.Security.Cryptography.CryptographicException or ArgumentException) { }

                    if (plain is not null)
                    {
                        yield return plain;
                        break;
                    }
                }

                break;
            case Array array:
                foreach (var item in array)
                {
                    if (item is null) continue;
                    foreach (var t in Texts(item, pii, tenantId)) yield return t;
                }

                break;
            default:
                yield return Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
                break;
        }
    }
}

/// <summary>api-v1 "Destruction acts": the act of an erasure, its JSON, its PDF, and the wall between tenants.</summary>
[Collection(AppCollection.Name)]
public sealed class DestructionActsApiTests(AppFixture app)
{
    [Fact]
    public async Task An_erasure_leaves_an_act_with_every_order_179_field_as_json_and_pdf()
    {
        var tenant = await app.CreateTenantAsync();
        using var api = tenant.Api();
        await tenant.App.InTenantAsync(tenant.Id, async sp =>
        {
            var errors = await sp.GetRequiredService<OperatorSettings>().SaveAsync("ООО «Сад и огород»", "г. Тула, ул. Садовая, д. 1");
            return errors.IsValid;
        });
        var p = ErasureTests.Person.Make();
        var contactId = await ErasureTests.PopulateAsync(app, tenant, p);
        var requestId = Guid.NewGuid();
        var actId = await ErasureTests.EraseAsync(tenant, contactId, requestId);

        var response = await api.GetAsync($"/api/v1/destruction-acts/{actId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var act = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(actId, act.GetProperty("id").GetGuid());
        Assert.Matches(@"^ACT-\d{4}-\d{6}$", act.GetProperty("number").GetString());
        Assert.EndsWith("-000001", act.GetProperty("number").GetString(), StringComparison.Ordinal);
        Assert.Equal("ООО «Сад и огород»", act.GetProperty("operator").GetProperty("name").GetString());
        Assert.Equal("г. Тула, ул. Садовая, д. 1", act.GetProperty("operator").GetProperty("address").GetString());
        Assert.Equal($"{p.LastName} {p.FirstName}", act.GetProperty("subject").GetProperty("fullName").GetString());
        var categories = act.GetProperty("categories").EnumerateArray().Select(c => c.GetString()).ToList();
        foreach (var c in new[] { "phone", "name", "email", "consents", "messages", "events" }) Assert.Contains(c, categories);
        Assert.Equal("PhoneCrm", act.GetProperty("informationSystem").GetString());
        Assert.Equal("subject_request", act.GetProperty("reason").GetString());
        Assert.Equal(requestId, act.GetProperty("requestId").GetGuid());
        Assert.False(string.IsNullOrWhiteSpace(act.GetProperty("method").GetString()));
        Assert.True(act.GetProperty("destroyedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-10));
        Assert.False(string.IsNullOrWhiteSpace(act.GetProperty("destroyedBy").GetString()));
        var extract = act.GetProperty("logExtract").EnumerateArray().ToList();
        Assert.Contains(extract, l => l.GetProperty("action").GetString() == "erasure.contact");
        Assert.Contains(extract, l => l.GetProperty("action").GetString() == "erasure.consent_records");
        Assert.All(extract, l =>
        {
            Assert.True(l.TryGetProperty("at", out _));
            Assert.DoesNotContain(p.FirstName, l.GetProperty("details").GetString()!, StringComparison.Ordinal);
        });
        // The extract is the audit log's own lines.
        var audited = await tenant.WithDbAsync(db => db.AuditLog.AsNoTracking()
            .Where(a => a.EntityIds == contactId.ToString() && a.Action.StartsWith("erasure.")).CountAsync());
        Assert.Equal(extract.Count, audited);

        var pdf = await api.GetAsync($"/api/v1/destruction-acts/{actId}/pdf");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("%PDF", Encoding.ASCII.GetString((await pdf.Content.ReadAsByteArrayAsync())[..4]), StringComparison.Ordinal);

        var other = await app.CreateTenantAsync();
        using var otherApi = other.Api();
        Assert.Equal(HttpStatusCode.NotFound, (await otherApi.GetAsync($"/api/v1/destruction-acts/{actId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherApi.GetAsync($"/api/v1/destruction-acts/{actId}/pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/destruction-acts/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task The_compliance_officer_lists_acts_and_the_purge_removes_those_older_than_three_years()
    {
        var tenant = await app.CreateTenantAsync();
        var p = ErasureTests.Person.Make();
        var contactId = await ErasureTests.PopulateAsync(app, tenant, p);
        var actId = await ErasureTests.EraseAsync(tenant, contactId);
        using var officer = await tenant.SignInAsync(PhoneCrm.Domain.Access.Role.ComplianceOfficer);
        var page = await (await officer.GetAsync("/compliance")).Content.ReadAsStringAsync();
        Assert.Contains($"/compliance/destruction-acts/{actId}/pdf", page, StringComparison.Ordinal);
        var pdf = await officer.GetAsync($"/compliance/destruction-acts/{actId}/pdf");
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);

        await using (var conn = new NpgsqlConnection(app.Factory.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"""
                SELECT set_config('app.tenant_id', '{tenant.Id}', false);
                UPDATE destruction_acts SET destroyed_at = now() - interval '1100 days' WHERE tenant_id = '{tenant.Id}';
                """, conn);
            await cmd.ExecuteNonQueryAsync();
        }

        var purged = await app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<DestructionActsPurgeJob>().PurgeTenantAsync(tenant.Id, CancellationToken.None));
        Assert.Equal(1, purged);
        Assert.False(await tenant.WithDbAsync(db => db.DestructionActs.AnyAsync()));
    }
}

/// <summary>Ledgers chained before evidence digests are re-chained once by the migrator, so their people can be erased too.</summary>
[Collection(AppCollection.Name)]
public sealed class ConsentChainUpgradeTests(AppFixture app)
{
    /// <summary>Rewrites the tenant's ledger the way version 1 chained it (hash over the evidence itself, no digest).</summary>
    private async Task MakeVersionOneAsync(TestTenant tenant, NpgsqlConnection conn)
    {
        var records = await tenant.WithDbAsync(db => db.ConsentRecords.AsNoTracking().OrderBy(r => r.Seq).ToListAsync());
        var previous = ConsentChain.Genesis;
        foreach (var r in records)
        {
            r.EvidenceSalt = null;
            r.EvidenceDigest = null;
            r.PrevHash = previous;
            r.Hash = ConsentChain.Hash(previous, r.Fields());
            previous = r.Hash;
            await using var cmd = new NpgsqlCommand(
                "UPDATE consent_records SET evidence_salt = NULL, evidence_digest = NULL, prev_hash = @p, hash = @h WHERE tenant_id = @t AND seq = @s", conn);
            cmd.Parameters.AddWithValue("p", r.PrevHash);
            cmd.Parameters.AddWithValue("h", r.Hash);
            cmd.Parameters.AddWithValue("t", tenant.Id);
            cmd.Parameters.AddWithValue("s", r.Seq);
            await cmd.ExecuteNonQueryAsync();
        }

        await using var head = new NpgsqlCommand("UPDATE consent_chain_heads SET last_hash = @h WHERE tenant_id = @t", conn);
        head.Parameters.AddWithValue("h", previous);
        head.Parameters.AddWithValue("t", tenant.Id);
        await head.ExecuteNonQueryAsync();
    }

    private Task<ChainVerification> VerifyAsync(TestTenant tenant) =>
        app.InTenantAsync(tenant.Id, sp => sp.GetRequiredService<ConsentLedger>().VerifyChainAsync(CancellationToken.None));

    [Fact]
    public async Task A_version_one_ledger_is_re_chained_and_its_people_can_then_be_erased_with_the_chain_intact()
    {
        var tenant = await app.CreateTenantAsync();
        var broken = await app.CreateTenantAsync();
        var p = ErasureTests.Person.Make();
        var contactId = await ErasureTests.PopulateAsync(app, tenant, p);
        using (var api = broken.Api())
            await api.PostAsJsonAsync("/api/v1/consents", new
            {
                phone = SmsTestData.Phone(), purpose = "marketing", channel = "sms", legalBasis = "consent",
                evidence = new { method = "web_form", ip = "203.0.113.9" },
            });

        await using var conn = new NpgsqlConnection(app.Factory.ConnectionString);
        await conn.OpenAsync();
        await using (var set = new NpgsqlCommand($"SELECT set_config('app.tenant_id', '{tenant.Id}', false)", conn)) await set.ExecuteNonQueryAsync();
        await MakeVersionOneAsync(tenant, conn);
        Assert.True((await VerifyAsync(tenant)).Valid);
        Assert.True(await tenant.WithDbAsync(db => db.ConsentRecords.AllAsync(r => r.EvidenceDigest == null)));
        await using (var set = new NpgsqlCommand($"SELECT set_config('app.tenant_id', '{broken.Id}', false)", conn)) await set.ExecuteNonQueryAsync();
        await MakeVersionOneAsync(broken, conn);
        await using (var tamper = new NpgsqlCommand($"UPDATE consent_records SET ip = '198.51.100.1' WHERE tenant_id = '{broken.Id}'", conn))
            await tamper.ExecuteNonQueryAsync();

        await new ConsentChainUpgrade(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).RunAsync(conn, CancellationToken.None);

        Assert.True((await VerifyAsync(tenant)).Valid);
        Assert.True(await tenant.WithDbAsync(db => db.ConsentRecords.AllAsync(r => r.EvidenceDigest != null)));
        // A broken version-1 ledger is left as it was: its verification still names the broken record.
        Assert.False((await VerifyAsync(broken)).Valid);
        Assert.True(await broken.WithDbAsync(db => db.ConsentRecords.AllAsync(r => r.EvidenceDigest == null)));

        await ErasureTests.EraseAsync(tenant, contactId);
        Assert.True((await VerifyAsync(tenant)).Valid);
        Assert.True(await tenant.WithDbAsync(db => db.ConsentRecords.Where(r => r.ContactId == contactId).AllAsync(r => r.Ip == null)));
    }
}
