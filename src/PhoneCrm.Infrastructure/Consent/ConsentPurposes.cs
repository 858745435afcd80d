using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Validation;
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

    public const int NameMax = 200;
    public const int MaxValidityDays = 10 * 365;

    public const string UnknownCode = "Unknown purpose.";

    /// <summary>
    /// Creates a custom purpose or edits one. Built-ins keep their code and name but their term and bases may be set;
    /// marketing stays on consent only (38-FZ Art. 18). Errors keyed <c>Code</c>, <c>Name</c>, <c>ValidityDays</c>, <c>RetentionDays</c>,
    /// <c>AllowedBases</c> (<see cref="PurposeInputValidator"/>); editing a purpose that does not exist is <see cref="UnknownCode"/>.
    /// </summary>
    public async Task<(ConsentPurpose? Purpose, ValidationErrors Errors)> SaveAsync(string? code, string? name, int? validityDays,
        IReadOnlyList<string> allowedBases, bool create, int? retentionDays = null, CancellationToken ct = default)
    {
        await EnsureBuiltInsAsync(ct);
        code = code?.Trim() ?? "";
        name = name?.Trim() ?? "";
        var bases = allowedBases.Distinct(StringComparer.Ordinal).ToList();
        var errors = PurposeInputValidator.Instance.Check(new PurposeInput(code, name, validityDays, bases, retentionDays));
        var existing = errors.Has("Code") ? null : await db.ConsentPurposes.SingleOrDefaultAsync(p => p.Code == code, ct);
        if (create && existing is not null) errors.Add("Code", "This code is already used.");
        if (!create && existing is null && !errors.Has("Code")) errors.Add("Code", UnknownCode);
        if ((create || existing is { BuiltIn: false }) && name.Length == 0) errors.Add("Name", "Required.");
        if (!errors.IsValid) return (null, errors);

        var purpose = existing ?? new ConsentPurpose { Code = code, Name = name, CreatedAt = clock.GetUtcNow() };
        if (!purpose.BuiltIn) purpose.Name = name;
        purpose.ValidityDays = validityDays;
        purpose.RetentionDays = retentionDays;
        purpose.AllowedBases = bases;
        if (existing is null) db.ConsentPurposes.Add(purpose);
        await db.SaveChangesAsync(ct);
        return (purpose, errors);
    }

    /// <summary>Deletes a custom purpose nobody has consented to yet; built-ins and purposes in use stay.</summary>
    public async Task<string?> DeleteAsync(string code, CancellationToken ct = default)
    {
        var purpose = await db.ConsentPurposes.SingleOrDefaultAsync(p => p.Code == code, ct);
        if (purpose is null) return "unknown";
        if (purpose.BuiltIn) return "built-in";
        if (await db.ConsentRecords.AnyAsync(r => r.Purpose == code, ct)
            || await db.CaptureForms.AnyAsync(f => f.PurposeCodes.Contains(code), ct)) return "in use";
        db.ConsentPurposes.Remove(purpose);
        await db.SaveChangesAsync(ct);
        return null;
    }

    public async Task<ConsentPurpose?> FindAsync(string code, CancellationToken ct = default)
    {
        await EnsureBuiltInsAsync(ct);
        return await db.ConsentPurposes.AsNoTracking().SingleOrDefaultAsync(p => p.Code == code, ct);
    }
}
