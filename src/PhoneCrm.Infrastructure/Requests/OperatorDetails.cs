using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Requests;

/// <summary>The operator of personal data as legal documents name it (acts of destruction, notices to persons).</summary>
public sealed record OperatorView(string? LegalName, string? LegalAddress, string TenantName)
{
    /// <summary>The name a document prints: the legal name, else the tenant's name.</summary>
    public string Name => string.IsNullOrWhiteSpace(LegalName) ? TenantName : LegalName;
    public string Address => LegalAddress ?? "";
}

/// <summary>The tenant's legal name and address (Admin, <c>/settings/operator</c>).</summary>
public sealed class OperatorDetails(PhoneCrmDbContext db, AuditLog audit)
{
    public const int MaxLength = 500;

    public async Task<OperatorView> GetAsync(CancellationToken ct = default)
    {
        var tenantId = db.Tenant.RequireTenant();
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == tenantId, ct);
        return new OperatorView(tenant.LegalName, tenant.LegalAddress, tenant.Name);
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
