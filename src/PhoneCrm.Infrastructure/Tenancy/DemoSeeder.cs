using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Tenancy;

/// <summary>
/// The demo tenant of the run command: one user per role with a known password, so a visitor can look around.
/// Idempotent: a second start finds the tenant and only prints the logins again.
/// </summary>
public sealed class DemoSeeder(PhoneCrmDbContext db, TenantProvisioner provisioner)
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

        return new Credentials(TenantName, admin, _staff[0].Email, Password);
    }
}
