using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Infrastructure.Access;

/// <summary>The admin's management of the tenant's people: invite, roles, required MFA, deactivation; every change audited.</summary>
public sealed class UserAdministration(
    PhoneCrmDbContext db,
    UserManager<AppUser> users,
    TenantProvisioner provisioner,
    AuditLog audit,
    AuditActor actor)
{
    public sealed record Member(Guid UserId, string Email, string? DisplayName, IReadOnlyList<Role> Roles, bool IsActive,
        bool MfaRequired, bool MfaEnabled, bool LockedOut, DateTimeOffset CreatedAt);

    /// <summary>Who was invited; a new person gets a one-time password to hand over (null for someone who already has an account).</summary>
    public sealed record Invitation(string Email, string? OneTimePassword);

    public enum Change { Saved, NotMember, NoRoles, OwnAdminRole, OwnDeactivation }

    public async Task<List<Member>> ListAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var rows = await (
                from m in db.Memberships.AsNoTracking()
                join u in db.Users.AsNoTracking() on m.UserId equals u.Id
                orderby u.Email
                select new { m, u })
            .ToListAsync();
        return rows.Select(x => new Member(x.u.Id, x.u.Email!, x.u.DisplayName, x.m.Roles, x.m.IsActive, x.m.MfaRequired,
            x.u.TwoFactorEnabled, x.u.LockoutEnd > now, x.m.CreatedAt)).ToList();
    }

    /// <summary>Null when the person is already a member of this tenant (or is a platform operator).</summary>
    public async Task<Invitation?> InviteAsync(string email, string? displayName, IReadOnlyCollection<Role> roles)
    {
        email = email.Trim();
        var existing = await users.FindByEmailAsync(email);
        // A platform operator stays outside every tenant: inviting their account is refused like an existing member.
        if (existing is not null && (existing.IsPlatformOperator || await db.Memberships.AnyAsync(m => m.UserId == existing.Id))) return null;

        // A new person must change the one-time password at first sign-in.
        var password = existing is null ? TenantProvisioner.GeneratePassword() : null;
        var user = existing ?? await provisioner.EnsureUserAsync(email, password!, mustChangePassword: true);
        if (existing is null && !string.IsNullOrWhiteSpace(displayName))
        {
            user.DisplayName = displayName.Trim();
            await users.UpdateAsync(user);
        }

        await provisioner.AddMemberAsync(user.Id, roles);
        await audit.WriteAsync(AuditActions.UserInvited, "user", user.Id.ToString(), string.Join(",", roles));
        return new Invitation(email, password);
    }

    public async Task<Change> SetRolesAsync(Guid userId, IReadOnlyCollection<Role> roles)
    {
        var m = await FindAsync(userId);
        if (m is null) return Change.NotMember;
        if (roles.Count == 0) return Change.NoRoles;
        if (userId == actor.UserId && m.Roles.Contains(Role.Admin) && !roles.Contains(Role.Admin)) return Change.OwnAdminRole;

        var before = string.Join(",", m.Roles);
        m.Roles = roles.Distinct().ToList();
        await db.SaveChangesAsync();
        await audit.WriteAsync(AuditActions.RolesChanged, "user", userId.ToString(), $"{before} -> {string.Join(",", m.Roles)}");
        return Change.Saved;
    }

    /// <summary>A deactivated person's sessions end at their next request (the tenant middleware reads the flag).</summary>
    public async Task<Change> SetActiveAsync(Guid userId, bool active)
    {
        var m = await FindAsync(userId);
        if (m is null) return Change.NotMember;
        if (userId == actor.UserId && !active) return Change.OwnDeactivation;

        m.IsActive = active;
        await db.SaveChangesAsync();
        await audit.WriteAsync(active ? AuditActions.UserActivated : AuditActions.UserDeactivated, "user", userId.ToString());
        return Change.Saved;
    }

    public async Task<Change> SetMfaRequiredAsync(Guid userId, bool required)
    {
        var m = await FindAsync(userId);
        if (m is null) return Change.NotMember;
        m.MfaRequired = required;
        await db.SaveChangesAsync();
        await audit.WriteAsync(AuditActions.MfaEnforced, "user", userId.ToString(), required ? "required" : "optional");
        return Change.Saved;
    }

    private Task<Membership?> FindAsync(Guid userId) => db.Memberships.SingleOrDefaultAsync(x => x.UserId == userId);
}
