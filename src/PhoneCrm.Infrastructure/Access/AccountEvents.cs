using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Access;

/// <summary>
/// A person's sign-in, second-factor and password events as the audit log records them. Before sign-in there is no
/// tenant yet: such events go under the person's first active tenant. A platform operator belongs to no tenant, and no
/// tenant's log is the place for their account: their events go to the application log (a security warning).
/// </summary>
public sealed class AccountEvents(PhoneCrmDbContext db, AuditLog audit, AuditActor actor, ILogger<AccountEvents> log)
{
    /// <summary>Makes the person signing in the actor; returns their tenant, or null when no active membership lets them in.</summary>
    public async Task<Guid?> IdentifyAsync(AppUser user)
    {
        var tenantId = await MembershipQueries.ActiveTenantAsync(db, user.Id);
        (actor.UserId, actor.Name) = (user.Id, user.Email!);
        return tenantId;
    }

    /// <summary>
    /// Records a password (<paramref name="secondFactor"/> false) or second-factor sign-in attempt. A password accepted
    /// pending the second factor is not yet a sign-in and records nothing.
    /// </summary>
    public Task RecordSignInAsync(Guid? tenantId, Guid userId, SignInResult result, bool secondFactor)
    {
        if (result.RequiresTwoFactor) return Task.CompletedTask;
        var action = result.Succeeded ? AuditActions.SignIn
            : result.IsLockedOut ? AuditActions.LockedOut
            : secondFactor ? AuditActions.MfaFailed
            : AuditActions.SignInFailed;
        var details = result.Succeeded && secondFactor ? "mfa" : null;
        if (tenantId is not { } tenant) return OutsideTenantsAsync(action, userId.ToString(), details);
        return audit.WriteForTenantAsync(tenant, action, "user", userId.ToString(), details);
    }

    /// <summary>True when the person has an active membership of <paramref name="tenantId"/> (a switch may go there).</summary>
    public async Task<bool> CanWorkInAsync(Guid userId, Guid tenantId) =>
        (await MembershipQueries.ActiveTenantsAsync(db, userId)).Any(t => t.Id == tenantId);

    /// <summary>Recorded in the tenant switched to: that company's log shows who came in from another one, and when.</summary>
    public Task TenantSwitchedAsync(Guid tenantId, Guid userId) =>
        audit.WriteForTenantAsync(tenantId, AuditActions.SignIn, "user", userId.ToString(), "switched tenant");

    public Task SignedOutAsync() => WriteAsync(AuditActions.SignOut, actor.UserId?.ToString());

    public Task MfaEnrolmentFailedAsync(Guid userId) => WriteAsync(AuditActions.MfaFailed, userId.ToString(), "enrolment");

    public Task MfaEnabledAsync(Guid userId) => WriteAsync(AuditActions.MfaEnabled, userId.ToString());

    public Task PasswordChangedAsync(Guid userId) => WriteAsync(AuditActions.PasswordChanged, userId.ToString());

    /// <summary>The user proved the password and got a new authenticator key (the old one stops working).</summary>
    public Task MfaReenrolmentAsync(Guid userId) => WriteAsync(AuditActions.MfaFailed, userId.ToString(), "re-enrolment: new key, second factor off until confirmed");

    private Task WriteAsync(string action, string? userId, string? details = null) =>
        db.Tenant.TenantId is null ? OutsideTenantsAsync(action, userId, details) : audit.WriteAsync(action, "user", userId, details);

    private Task OutsideTenantsAsync(string action, string? userId, string? details)
    {
        log.LogWarning("Account event {Action} of user {UserId} outside every tenant ({Details}) from {Ip}", action, userId, details, actor.Ip);
        return Task.CompletedTask;
    }
}
