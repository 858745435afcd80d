using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Messaging;

namespace PhoneCrm.Infrastructure.Consent;

/// <summary>The tenant's protections of its public pages and links, as the Admin set them.</summary>
/// <param name="DailyCodeBudgetOverride">The Admin's own budget, or null for the configured default.</param>
public sealed record PublicSafety(IReadOnlyList<string> CodeRegions, int? DailyCodeBudgetOverride, int DailyCodeBudget, IReadOnlyList<string> LinkDomains)
{
    public const string NotAllowedLinkDomain = "Not an allowed link domain (Settings › Public forms and links)";

    /// <summary>The error naming a host outside the allowed link domains.</summary>
    public static string HostNotAllowed(string host) => $"{NotAllowedLinkDomain}: {host}";

    /// <summary>True when <paramref name="host"/> is an allowed link domain or a subdomain of one.</summary>
    public bool AllowsHost(string host) => LinkDomains.Any(d =>
        host.Equals(d, StringComparison.OrdinalIgnoreCase) || host.EndsWith("." + d, StringComparison.OrdinalIgnoreCase));
}

public sealed record PublicSafetyInput(string? CodeRegions, string? DailyCodeBudget, string? LinkDomains);

/// <summary>
/// Reads and saves the tenant's allowed code regions (default RU), its daily code budget for capture forms
/// (<c>ConsentForms:DailyCodeBudget</c>, default 300, overridable per tenant) and its allowed link domains.
/// </summary>
public sealed class PublicSafetySettings(PhoneCrmDbContext db, IConfiguration config, TimeProvider clock)
{
    public const string BudgetKey = "ConsentForms:DailyCodeBudget";
    public const string BadRegion = "Enter two-letter region codes separated by commas, e.g. RU, BY.";
    public const string BadBudget = "Enter a whole number from 0 to 100000, or leave it empty for the default.";
    public const string BadDomain = "Enter host names separated by commas or new lines, e.g. shop.example.";

    public int DefaultBudget => config.GetValue(BudgetKey, CodeLimits.DefaultDailyBudget);

    /// <summary>The installation's link domains for a tenant whose Admin has set none (<c>Links:DefaultAllowedDomains</c>, comma-separated; none by default).</summary>
    public IReadOnlyList<string> DefaultLinkDomains => Split(config["Links:DefaultAllowedDomains"]).Select(d => d.ToLowerInvariant()).ToList();

    public async Task<PublicSafety> GetAsync(CancellationToken ct = default)
    {
        var tenantId = db.Tenant.RequireTenant();
        var row = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId)
            .Select(t => new { t.CodeRegions, t.DailyCodeBudget, t.LinkDomains }).SingleAsync(ct);
        return new PublicSafety(row.CodeRegions, row.DailyCodeBudget, row.DailyCodeBudget ?? DefaultBudget,
            row.LinkDomains.Count > 0 ? row.LinkDomains : DefaultLinkDomains);
    }

    /// <summary>Capture-form codes made in the last 24 hours against the tenant's budget (the dashboard's alert).</summary>
    public async Task<(int Used, int Budget)> CodeBudgetTodayAsync(CancellationToken ct = default) =>
        (await CodeLimiter.CountTodayAsync(db.ConsentCodeChallenges, clock.GetUtcNow(), ct), (await GetAsync(ct)).DailyCodeBudget);

    public async Task<ValidationErrors> SaveAsync(PublicSafetyInput input, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        var regions = Split(input.CodeRegions).Select(r => r.ToUpperInvariant()).Distinct().ToList();
        if (regions.Count == 0 || regions.Any(r => r.Length != 2 || !r.All(char.IsAsciiLetterUpper))) errors.Add("codeRegions", BadRegion);
        int? budget = null;
        if (!string.IsNullOrWhiteSpace(input.DailyCodeBudget))
        {
            if (int.TryParse(input.DailyCodeBudget.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b <= 100_000) budget = b;
            else errors.Add("dailyCodeBudget", BadBudget);
        }

        var domains = Split(input.LinkDomains).Select(d => d.ToLowerInvariant().TrimEnd('.')).Distinct().ToList();
        if (domains.Any(d => d.Length > 253 || Uri.CheckHostName(d) != UriHostNameType.Dns || !d.Contains('.'))) errors.Add("linkDomains", BadDomain);
        if (!errors.IsValid) return errors;

        var tenantId = db.Tenant.RequireTenant();
        await db.Tenants.Where(t => t.Id == tenantId).ExecuteUpdateAsync(s => s
            .SetProperty(t => t.CodeRegions, regions).SetProperty(t => t.DailyCodeBudget, budget).SetProperty(t => t.LinkDomains, domains), ct);
        return errors;
    }

    private static IEnumerable<string> Split(string? value) =>
        (value ?? "").Split([',', ';', '\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
