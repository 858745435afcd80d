using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Audit;

/// <summary>One append-only record of who read or changed what. Never updated or deleted.</summary>
public sealed class AuditEntry : ITenantOwned
{
    public Guid TenantId { get; set; }
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public Guid? UserId { get; set; }
    /// <summary>Who acted, as shown to the compliance officer: a user's email, "api-key:NAME" or "system".</summary>
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public required string EntityType { get; set; }
    public string? EntityIds { get; set; }
    public string? Ip { get; set; }
    /// <summary>Free-form context without personal data (filters used, counts, field names).</summary>
    public string? Details { get; set; }
}

/// <summary>Action names used in the audit log, so searches can rely on them.</summary>
public static class AuditActions
{
    public const string SignIn = "auth.sign_in";
    public const string SignInFailed = "auth.sign_in_failed";
    public const string LockedOut = "auth.locked_out";
    public const string SignOut = "auth.sign_out";
    public const string MfaEnabled = "auth.mfa_enabled";
    public const string MfaFailed = "auth.mfa_failed";
    public const string PasswordChanged = "auth.password_changed";
    public const string UserInvited = "users.invited";
    public const string RolesChanged = "users.roles_changed";
    public const string UserDeactivated = "users.deactivated";
    public const string UserActivated = "users.activated";
    public const string MfaEnforced = "users.mfa_enforced";
    public const string ApiKeyCreated = "api_keys.created";
    public const string ApiKeyRevoked = "api_keys.revoked";
    public const string ApiKeyRejected = "api_keys.rejected";
    public const string AuditExported = "audit.exported";
    public const string TenantCreated = "tenant.created";
    public const string Read = "read";
    public const string Create = "create";
    public const string Update = "update";
    public const string Delete = "delete";
    public const string Export = "export";
}
