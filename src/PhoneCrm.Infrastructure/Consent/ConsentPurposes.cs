using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Consent;

/// <summary>The tenant's purposes. Built-ins are inserted lazily so tenants created before the ledger get them too.</summary>
public sealed class ConsentPurposes(PhoneCrmDbContext db, TimeProvider clock)
{
    private static readonly Dictionary<string, string> _builtInNames = new()
    {
        [ConsentTerms.Transactional] = "Transactional (order status, codes)",
        [ConsentTerms.Marketing] = "Marketing (advertising)",
        [ConsentTerms.Surveys] = "Surveys",
        [ConsentTerms.AdAudiences] = "Ad audiences",
    };

    private bool _ensured;

    /// <summary>Idempotent and race-safe (ON CONFLICT DO NOTHING); cheap after the first call in a scope.</summary>
    public async Task EnsureBuiltInsAsync(CancellationToken ct = default)
    {
        if (_ensured) return;
        var tenantId = db.Tenant.RequireTenant();
        var now = clock.GetUtcNow();
        foreach (var rule in PurposeRule.BuiltIns)
        {
            var bases = rule.AllowedBases.ToArray();
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO consent_purposes (tenant_id, code, name, validity_days, allowed_bases, built_in, created_at)
                VALUES ({tenantId}, {rule.Code}, {_builtInNames[rule.Code]}, {rule.ValidityDays}, {bases}, true, {now})
                ON CONFLICT (tenant_id, code) DO NOTHING
                """, ct);
        }

        _ensured = true;
    }

    public async Task<IReadOnlyList<ConsentPurpose>> ListAsync(CancellationToken ct = default)
    {
        await EnsureBuiltInsAsync(ct);
        return await db.ConsentPurposes.AsNoTracking().OrderByDescending(p => p.BuiltIn).ThenBy(p => p.Code).ToListAsync(ct);
    }

    public async Task<ConsentPurpose?> FindAsync(string code, CancellationToken ct = default)
    {
        await EnsureBuiltInsAsync(ct);
        return await db.ConsentPurposes.AsNoTracking().SingleOrDefaultAsync(p => p.Code == code, ct);
    }
}
