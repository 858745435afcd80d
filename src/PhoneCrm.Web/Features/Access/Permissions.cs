using Microsoft.AspNetCore.Authorization;
using PhoneCrm.Domain.Access;

namespace PhoneCrm.Web.Features.Access;

/// <summary>Every controller action carries one of these (or [AllowAnonymous]); a test enumerates them all.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequirePermissionAttribute(Permission permission) : AuthorizeAttribute(PolicyName(permission))
{
    public const string Prefix = "perm:";

    public Permission Permission { get; } = permission;

    public static string PolicyName(Permission permission) => Prefix + permission;
}

public sealed class PermissionRequirement(Permission permission) : IAuthorizationRequirement
{
    public Permission Permission { get; } = permission;
}

/// <summary>Builds a policy per permission name on demand, so no list of policies needs maintaining.</summary>
public sealed class PermissionPolicyProvider(Microsoft.Extensions.Options.IOptions<AuthorizationOptions> options)
    : DefaultAuthorizationPolicyProvider(options)
{
    public override async Task<AuthorizationPolicy?> GetPolicyAsync(string policyName)
    {
        if (policyName.StartsWith(RequirePermissionAttribute.Prefix, StringComparison.Ordinal)
            && Enum.TryParse<Permission>(policyName[RequirePermissionAttribute.Prefix.Length..], out var permission))
        {
            return new AuthorizationPolicyBuilder()
                .RequireAuthenticatedUser()
                .AddRequirements(new PermissionRequirement(permission))
                .Build();
        }

        return await base.GetPolicyAsync(policyName);
    }
}

/// <summary>
/// Grants a permission from the caller's roles in the current tenant (people) or from the key's scopes (integrations).
/// Role claims are added per request from the live membership, so a role change or deactivation bites at once.
/// </summary>
/// <summary>
/// The platform pages do not exist for anyone but a signed-in platform operator: a tenant user, an API key or an
/// anonymous caller gets 404 instead of a login redirect or 403, so nothing tells a tenant the pages are there.
/// </summary>
public sealed class PlatformPagesResultHandler : Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler
{
    private readonly Microsoft.AspNetCore.Authorization.Policy.AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy,
        Microsoft.AspNetCore.Authorization.Policy.PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Succeeded
            && policy.Requirements.OfType<PermissionRequirement>().Any(r => r.Permission == Permission.PlatformOperations))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}

public sealed class PermissionHandler : AuthorizationHandler<PermissionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        if (context.User.Has(requirement.Permission)) context.Succeed(requirement);
        return Task.CompletedTask;
    }
}

public static class PrincipalPermissions
{
    /// <summary>The one check behind both the authorization handler and what the views show.</summary>
    public static bool Has(this System.Security.Claims.ClaimsPrincipal user, Permission permission)
    {
        if (user.IsPlatformOperator()) return RolePermissions.PlatformOperatorAllows(permission);
        if (user.FindFirst(AppClaims.TenantId) is null) return false;
        var scopes = user.FindAll(AppClaims.Scope).Select(c => c.Value);
        return ApiScope.Allows(scopes, permission) || RolePermissions.AllowsAny(user.TenantRoles(), permission);
    }

    /// <summary>Set per request by <see cref="TenantResolutionMiddleware"/> from the live account, never from the cookie.</summary>
    public static bool IsPlatformOperator(this System.Security.Claims.ClaimsPrincipal user) => user.HasClaim(AppClaims.PlatformOperator, "true");

    public static IEnumerable<Role> TenantRoles(this System.Security.Claims.ClaimsPrincipal user) =>
        user.FindAll(AppClaims.TenantRole).Select(c => Roles.TryParse(c.Value, out var r) ? (Role?)r : null).OfType<Role>();
}

public static class AppClaims
{
    public const string TenantId = "phonecrm:tenant";
    /// <summary>Present when the person works for more than one company (the menu then offers a switch).</summary>
    public const string SeveralTenants = "phonecrm:several_tenants";
    public const string TenantRole = "phonecrm:role";
    public const string Scope = "phonecrm:scope";
    public const string ApiKeyId = "phonecrm:api_key";
    public const string PlatformOperator = "phonecrm:platform_operator";
}
