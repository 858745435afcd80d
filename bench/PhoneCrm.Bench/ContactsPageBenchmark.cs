using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Npgsql;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Tenancy;
using PhoneCrm.Infrastructure.Access;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Bench;

/// <summary>
/// The contacts page at scale, as people use it: the real web process (the built <c>PhoneCrm.Web.dll</c> on Kestrel, its
/// production settings, a local port) against a private cluster holding N contacts with real encrypted phones, names and
/// emails (<see cref="BenchContacts"/> with <see cref="BenchContactOptions.People"/>). Virtual users sign in with cookies
/// (antiforgery token from the form, like a browser) and click through the page with a think time: first page, next
/// pages (keyset links from the page), search by a number written another way, by name, by email, filters by city, tag
/// and status, and every sortable column. Latency is the whole response (server time + transfer of the HTML); p50/p95/p99
/// per action and overall, for a Marketer (everything), a SalesManager (own contacts) and an Analyst (masked).
/// </summary>
public sealed partial class ContactsPageBenchmark(int contacts) : IBenchmark
{
    private const string Password = "Bench-Pass-2026!";
    private const int OwnedShare = 500; // BenchContactOptions.Owners: owner k has contacts i with i % 500 == k

    private static readonly int VirtualUsers = Env("PHONECRM_BENCH_USERS", 20);
    private static readonly int Seconds = Env("PHONECRM_BENCH_SECONDS", 60);
    private static readonly int WarmUpSeconds = Env("PHONECRM_BENCH_WARMUP_SECONDS", 10);
    private static readonly int ThinkMinMs = Env("PHONECRM_BENCH_THINK_MIN_MS", 500);
    private static readonly int ThinkMaxMs = Env("PHONECRM_BENCH_THINK_MAX_MS", 1500);

    public string Name => "contacts-page";
    public string Description => $"the contacts page over HTTP at {contacts:N0} contacts, {VirtualUsers} concurrent users per role; target p95 < 150 ms per action";

    private static int Env(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var v) && v > 0 ? v : fallback;

    /// <summary>One click: a name for the report and the path it opens (from the user's previous page when it follows a link).</summary>
    private sealed record Action(string Name, int Weight, Func<Random, VirtualUser, string> Path);

    private static readonly string[] _cities = ["Москва", "Санкт-Петербург", "Казань", "Новосибирск", "Краснодар", "Пермь", "Минск"];
    private static readonly string[] _tags = ["vip", "garden", "wholesale", "newsletter", "b2b"];

    private Action[] Actions =>
    [
        new("first page", 14, (_, _) => "/contacts"),
        new("next page", 20, (_, u) => u.NextLink ?? "/contacts"),
        // The same number as stored (+79…) written as people type it: 8 (9xx) xxx-xx-xx.
        new("search phone", 10, (r, _) => Q(PhoneTyped(BenchContacts.PhoneOf(r.Next(contacts))))),
        // A last name (~1 % of the base), or a first and last name (a few hundred), or beginnings of both.
        new("search name", 10, (r, _) =>
        {
            var i = r.Next(contacts);
            return r.Next(3) switch
            {
                0 => Q(BenchContacts.LastNameOf(i)),
                1 => Q(BenchContacts.FirstNameOf(i) + " " + BenchContacts.LastNameOf(i)),
                _ => Q(BenchContacts.FirstNameOf(i)[..3] + " " + BenchContacts.LastNameOf(i)[..4]),
            };
        }),
        new("search email", 6, (r, _) => Q(BenchContacts.EmailOf(r.Next(contacts / 5) * 5)!)),
        new("filter city", 8, (r, _) => "/contacts?city=" + Uri.EscapeDataString(_cities[r.Next(_cities.Length)])),
        new("filter tag", 5, (r, _) => Q("#" + _tags[r.Next(_tags.Length)])),
        new("filter status", 5, (r, _) => "/contacts?status=" + (r.Next(2) == 0 ? "unreachable" : "active")),
        new("sort city", 5, (r, _) => "/contacts?sort=city&dir=" + (r.Next(2) == 0 ? "asc" : "desc")),
        new("sort status", 5, (r, _) => "/contacts?sort=status&dir=" + (r.Next(2) == 0 ? "asc" : "desc")),
        new("sort created", 4, (r, _) => "/contacts?sort=created&dir=" + (r.Next(2) == 0 ? "asc" : "desc")),
        new("sort updated", 4, (r, _) => "/contacts?sort=updated&dir=" + (r.Next(2) == 0 ? "asc" : "desc")),
    ];

    private static string Q(string q) => "/contacts?q=" + Uri.EscapeDataString(q);

    private static string PhoneTyped(string e164) =>
        $"8 ({e164[2..5]}) {e164[5..8]}-{e164[8..10]}-{e164[10..12]}";

    public async Task RunAsync()
    {
        // PHONECRM_BENCH_DATA=<dir> keeps the loaded cluster there and reuses it next time (new migrations apply).
        await using var cluster = await BenchCluster.StartAsync(Environment.GetEnvironmentVariable("PHONECRM_BENCH_DATA"));
        var keyFile = Path.Combine(cluster.Root, "pii-keys.json");
        var ring = PiiKeyRing.Load(new ProtectionOptions { KeyFile = keyFile }, keyFile);
        var marker = Path.Combine(cluster.Root, $"contacts-page-{contacts}.tenant");
        Dictionary<Role, string[]> users;
        if (File.Exists(marker))
        {
            Console.WriteLine($"   reusing the data loaded earlier in {cluster.Root}");
            users = await UsersAsync(cluster.ConnectionString);
        }
        else
        {
            var tenantId = Guid.CreateVersion7();
            await using (var db = SegmentCountBenchmark.CreateContext(cluster.ConnectionString, tenantId))
            {
                db.Tenants.Add(new Tenant { Id = tenantId, Name = "Bench", CreatedAt = DateTimeOffset.UtcNow });
                await db.SaveChangesAsync();
                users = await AddUsersAsync(db, tenantId);
            }

            var sw = Stopwatch.StartNew();
            using var pii = new PiiProtector(ring);
            using var blind = new BlindIndex(ring);
            var owners = (await OwnerIdsAsync(cluster.ConnectionString)).ToArray();
            var loaded = await BenchContacts.LoadAsync(cluster.ConnectionString, tenantId,
                new BenchContactOptions(contacts, Orders: false, Pii: pii, Blind: blind, People: true, Owners: owners));
            Console.WriteLine($"   loaded with COPY: {loaded.Contacts:N0} contacts (encrypted phones, names, 40 % emails; blind indexes; "
                + $"{owners.Length} sales managers own {owners.Length * (contacts / OwnedShare):N0}), {loaded.Consents:N0} consent states "
                + $"({sw.Elapsed.TotalSeconds:0.0} s, then VACUUM ANALYZE, CHECKPOINT)");
            await File.WriteAllTextAsync(marker, tenantId.ToString());
        }

        var explain = Environment.GetEnvironmentVariable("PHONECRM_BENCH_EXPLAIN") == "1";
        if (explain) await AutoExplainAsync(cluster.ConnectionString, on: true);
        await using var web = await WebProcess.StartAsync(cluster, keyFile);
        Console.WriteLine($"   web: {web.BaseAddress} (PhoneCrm.Web.dll, Production, Jobs:Server=false), log in {web.LogFile}");
        Console.WriteLine($"   {VirtualUsers} virtual users per role, {Seconds} s each after {WarmUpSeconds} s of warm-up, think time {ThinkMinMs}–{ThinkMaxMs} ms between clicks");

        var worst = 0.0;
        foreach (var role in new[] { Role.Marketer, Role.SalesManager, Role.Analyst })
        {
            var sessions = new List<VirtualUser>();
            foreach (var email in users[role].Take(VirtualUsers)) sessions.Add(await VirtualUser.SignInAsync(web.BaseAddress, email, Password));
            // Warm-up, not counted: the same mix from every user for a few seconds, so each query shape (one or two
            // words, keyed or walked) is compiled and every user's database connection open before the clock starts —
            // the steady state of a server that has been up for more than a minute.
            _ = await RunPhaseAsync(sessions, WarmUpSeconds);
            var result = await RunPhaseAsync(sessions, Seconds);
            worst = Math.Max(worst, Print(role, result));
            foreach (var s in sessions) s.Dispose();
        }

        Console.WriteLine($"   worst action p95: {worst:N0} ms (target < 150 ms)");
        if (explain)
        {
            await AutoExplainAsync(cluster.ConnectionString, on: false);
            Console.WriteLine($"   plans of statements slower than 50 ms: {Path.Combine(cluster.Root, "pgdata", "server.log")}");
        }
    }

    private sealed record Sample(string Action, double Ms, bool Ok);

    private sealed record PhaseResult(List<Sample> Samples, TimeSpan Took, (double Min, double Max) Load);

    private async Task<PhaseResult> RunPhaseAsync(List<VirtualUser> sessions, int seconds)
    {
        var actions = Actions;
        var total = actions.Sum(a => a.Weight);
        var samples = new List<Sample>();
        var loads = new List<double> { LoadAverage() };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try { await Task.Delay(5000, stop.Token); } catch (OperationCanceledException) { break; }
                lock (loads) loads.Add(LoadAverage());
            }
        });
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(sessions.Select((s, n) => Task.Run(async () =>
        {
            var r = new Random(1000 + n);
            while (!stop.IsCancellationRequested)
            {
                var x = r.Next(total);
                var action = actions.First(a => (x -= a.Weight) < 0);
                var path = action.Path(r, s);
                var t = Stopwatch.StartNew();
                var ok = await s.OpenAsync(path);
                var ms = t.Elapsed.TotalMilliseconds;
                lock (samples) samples.Add(new Sample(action.Name, ms, ok));
                try { await Task.Delay(r.Next(ThinkMinMs, ThinkMaxMs + 1), stop.Token); } catch (OperationCanceledException) { break; }
            }
        })));
        var took = sw.Elapsed;
        await sampler;
        lock (loads) loads.Add(LoadAverage());
        return new PhaseResult(samples, took, (loads.Min(), loads.Max()));
    }

    private double Print(Role role, PhaseResult result)
    {
        var samples = result.Samples;
        Console.WriteLine($"   -- {role}: {samples.Count:N0} pages in {result.Took.TotalSeconds:0} s = {samples.Count / result.Took.TotalSeconds:0.0} pages/s; "
            + $"errors {samples.Count(s => !s.Ok)}; load average (1 min) {result.Load.Min:0.0}–{result.Load.Max:0.0}");
        Console.WriteLine($"   {"action",-16} {"n",6} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",8}");
        var worst = 0.0;
        foreach (var a in Actions)
        {
            var times = samples.Where(s => s.Action == a.Name).Select(s => s.Ms).ToList();
            if (times.Count == 0) continue;
            var (p50, p95, p99, max) = Percentiles(times);
            worst = Math.Max(worst, p95);
            Console.WriteLine($"   {a.Name,-16} {times.Count,6} {p50,8:N0} {p95,8:N0} {p99,8:N0} {max,8:N0}");
        }

        var (o50, o95, o99, omax) = Percentiles(samples.Select(s => s.Ms).ToList());
        Console.WriteLine($"   {"overall",-16} {samples.Count,6} {o50,8:N0} {o95,8:N0} {o99,8:N0} {omax,8:N0}");
        return worst;
    }

    private static (double P50, double P95, double P99, double Max) Percentiles(List<double> times)
    {
        times.Sort();
        double At(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
        return (At(0.5), At(0.95), At(0.99), times[^1]);
    }

    private static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    /// <summary>20 users of each role the page serves differently (sales managers own contacts; analysts see them masked).</summary>
    private static async Task<Dictionary<Role, string[]>> AddUsersAsync(PhoneCrmDbContext db, Guid tenantId)
    {
        var hash = new PasswordHasher<AppUser>().HashPassword(null!, Password);
        var users = new Dictionary<Role, string[]>();
        foreach (var role in new[] { Role.Marketer, Role.SalesManager, Role.Analyst })
        {
            users[role] = Enumerable.Range(0, Math.Max(VirtualUsers, 20)).Select(i => $"{role.ToString().ToLowerInvariant()}{i:D2}@bench.example").ToArray();
            foreach (var email in users[role])
            {
                var user = new AppUser
                {
                    Id = Guid.CreateVersion7(), UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email,
                    NormalizedEmail = email.ToUpperInvariant(), EmailConfirmed = true, PasswordHash = hash, SecurityStamp = Guid.NewGuid().ToString("N"),
                    ConcurrencyStamp = Guid.NewGuid().ToString(), LockoutEnabled = true, CreatedAt = DateTimeOffset.UtcNow,
                };
                db.Users.Add(user);
                db.Memberships.Add(new Membership { TenantId = tenantId, UserId = user.Id, Roles = [role], CreatedAt = DateTimeOffset.UtcNow });
            }
        }

        await db.SaveChangesAsync();
        return users;
    }

    /// <summary>The sales managers' ids in email order (the loader gives contact i to owner i % 500).</summary>
    private static async Task<List<Guid>> OwnerIdsAsync(string connectionString)
    {
        var ids = new List<Guid>();
        await using var conn = await SuperuserAsync(connectionString);
        await using var cmd = new NpgsqlCommand("SELECT id FROM users WHERE email LIKE 'salesmanager%@bench.example' ORDER BY email", conn);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) ids.Add(r.GetGuid(0));
        return ids;
    }

    private static async Task<Dictionary<Role, string[]>> UsersAsync(string connectionString)
    {
        var users = new Dictionary<Role, string[]>();
        await using var conn = await SuperuserAsync(connectionString);
        foreach (var role in new[] { Role.Marketer, Role.SalesManager, Role.Analyst })
        {
            await using var cmd = new NpgsqlCommand("SELECT email FROM users WHERE email LIKE @p ORDER BY email", conn);
            cmd.Parameters.AddWithValue("p", role.ToString().ToLowerInvariant() + "%@bench.example");
            var list = new List<string>();
            await using (var r = await cmd.ExecuteReaderAsync())
                while (await r.ReadAsync()) list.Add(r.GetString(0));
            users[role] = [.. list];
        }

        return users;
    }

    private static async Task<NpgsqlConnection> SuperuserAsync(string connectionString)
    {
        var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Username = EmbeddedPostgres.SuperUser, Pooling = false }.ConnectionString);
        await conn.OpenAsync();
        return conn;
    }

    /// <summary>PHONECRM_BENCH_EXPLAIN=1: the server logs the plan (ANALYZE, BUFFERS) of every statement over 50 ms.</summary>
    private static async Task AutoExplainAsync(string connectionString, bool on)
    {
        await using var conn = await SuperuserAsync(connectionString);
        var sql = on
            ? """
              LOAD 'auto_explain';
              ALTER SYSTEM SET session_preload_libraries = 'auto_explain';
              ALTER SYSTEM SET auto_explain.log_min_duration = '50ms';
              ALTER SYSTEM SET auto_explain.log_analyze = on;
              ALTER SYSTEM SET auto_explain.log_buffers = on;
              """
            : "ALTER SYSTEM RESET session_preload_libraries;";
        foreach (var statement in sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await using var cmd = new NpgsqlCommand(statement, conn);
            await cmd.ExecuteNonQueryAsync();
        }

        await using var reload = new NpgsqlCommand("SELECT pg_reload_conf()", conn);
        await reload.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// A browser without JavaScript: its own cookies (the app's cookies are Secure outside Development and this is plain
    /// HTTP on the loopback, where browsers keep them anyway), the antiforgery token from the sign-in form, and the next-page
    /// link of the last list it saw.
    /// </summary>
    private sealed partial class VirtualUser : IDisposable
    {
        private readonly HttpClient _client;
        private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

        private VirtualUser(Uri baseAddress)
        {
            _client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
            {
                BaseAddress = baseAddress,
                Timeout = TimeSpan.FromSeconds(120),
            };
        }

        public string? NextLink { get; private set; }

        public static async Task<VirtualUser> SignInAsync(Uri baseAddress, string email, string password)
        {
            var user = new VirtualUser(baseAddress);
            var form = await user.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/account/login"));
            var token = TokenRegex().Match(await form.Content.ReadAsStringAsync());
            if (!token.Success) throw new InvalidOperationException("No antiforgery token on /account/login");
            using var post = new HttpRequestMessage(HttpMethod.Post, "/account/login")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["Email"] = email, ["Password"] = password, ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
                }),
            };
            var signedIn = await user.SendAsync(post);
            if (signedIn.StatusCode != HttpStatusCode.Redirect || !await user.OpenAsync("/contacts"))
                throw new InvalidOperationException($"Sign-in failed for {email}: {(int)signedIn.StatusCode}");
            return user;
        }

        /// <summary>Opens a page and reads all of it; remembers its next-page link. False unless 200.</summary>
        public async Task<bool> OpenAsync(string path)
        {
            using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path));
            var html = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK) return false;
            var next = NextRegex().Match(html);
            NextLink = next.Success ? WebUtility.HtmlDecode(next.Groups[1].Value) : null;
            return true;
        }

        private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
        {
            if (_cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
            var response = await _client.SendAsync(request);
            if (response.Headers.TryGetValues("Set-Cookie", out var set))
            {
                foreach (var cookie in set)
                {
                    var pair = cookie.Split(';', 2)[0];
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0) continue;
                    var (name, value) = (pair[..eq], pair[(eq + 1)..]);
                    if (value.Length == 0) _cookies.Remove(name);
                    else _cookies[name] = value;
                }
            }

            return response;
        }

        public void Dispose() => _client.Dispose();

        [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
        private static partial Regex TokenRegex();

        [GeneratedRegex("id=\"next-page\" href=\"([^\"]+)\"")]
        private static partial Regex NextRegex();
    }
}
