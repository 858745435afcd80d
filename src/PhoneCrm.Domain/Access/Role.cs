namespace PhoneCrm.Domain.Access;

/// <summary>Tenant-scoped roles (PRODUCT.md §2.8). Stored by name, so never rename a member.</summary>
public enum Role
{
    Admin,
    Marketer,
    SalesManager,
    Analyst,
    ComplianceOfficer,
    SystemOperator,
}

public static class Roles
{
    public static IReadOnlyList<Role> All { get; } = Enum.GetValues<Role>();

    /// <summary>Roles that may not work without a second factor.</summary>
    public static bool RequiresMfa(Role role) =>
        role is Role.Admin or Role.ComplianceOfficer or Role.SystemOperator;

    public static bool TryParse(string? value, out Role role) =>
        Enum.TryParse(value, ignoreCase: true, out role) && Enum.IsDefined(role);
}
