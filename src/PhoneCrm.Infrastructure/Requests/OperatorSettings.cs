using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Requests;

/// <summary>What the Admin entered on <c>/settings/operator</c> (nulls until then) and the tenant's name.</summary>
public sealed record OperatorView(string? LegalName, string? LegalAddress, string TenantName);

/// <summary>
/// The operator of personal data as legal documents name it (acts of destruction, breach notices, notices to persons):
/// the legal name and address the Admin entered, else those the tenant's current consent text states (the words people
/// consented to name the operator), else the tenant's name — so a document is never blocked.
/// </summary>
public sealed class OperatorSettings(PhoneCrmDbContext db, AuditLog audit)
{
    public const int MaxLength = 500;

    public async Task<OperatorView> GetAsync(CancellationToken ct = default)
    {
        var tenantId = db.Tenant.RequireTenant();
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == tenantId, ct);
        return new OperatorView(tenant.LegalName, tenant.LegalAddress, tenant.Name);
    }

    /// <summary>The operator a document prints now.</summary>
    public async Task<OperatorDetails> CurrentAsync(CancellationToken ct = default)
    {
        var entered = await GetAsync(ct);
        if (!string.IsNullOrWhiteSpace(entered.LegalName)) return new OperatorDetails(entered.LegalName, entered.LegalAddress ?? "");
        var text = await db.ConsentTextVersions.AsNoTracking().OrderByDescending(v => v.CreatedAt)
            .Select(v => new OperatorDetails(v.OperatorName, v.OperatorAddress)).FirstOrDefaultAsync(ct);
        return text ?? new OperatorDetails(entered.TenantName, "");
    }

    /// <summary>Both are required; errors are keyed <c>legalName</c> / <c>legalAddress</c> and nothing is saved then.</summary>
    public async Task<ValidationErrors> SaveAsync(string? legalName, string? legalAddress, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        Check(errors, "legalName", legalName, "Enter the operator's legal name.");
        Check(errors, "legalAddress", legalAddress, "Enter the operator's address.");
        if (!errors.IsValid) return errors;
        var tenantId = db.Tenant.RequireTenant();
        var tenant = await db.Tenants.SingleAsync(t => t.Id == tenantId, ct);
        tenant.LegalName = legalName!.Trim();
        tenant.LegalAddress = legalAddress!.Trim();
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditActions.Update, "tenant", tenantId.ToString(), "fields=legalName,legalAddress", ct);
        return errors;
    }

    private static void Check(ValidationErrors errors, string field, string? value, string missing)
    {
        if (string.IsNullOrWhiteSpace(value)) errors.Add(field, missing);
        else if (value.Trim().Length > MaxLength) errors.Add(field, $"At most {MaxLength} characters.");
        else if (ControlCharacters.AreIn(value.Trim().Replace("\r\n", " ", StringComparison.Ordinal))) errors.Add(field, ControlCharacters.Message);
    }
}
