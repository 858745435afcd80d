using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Infrastructure.Access;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Tenancy;
using PhoneCrm.Web.Hosting.Api;
namespace PhoneCrm.Web.Features.Access;

/// <summary><c>Authorization: Bearer pcrm_…</c> for /api. Sets the tenant of the key for the rest of the request.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyService keys,
    TenantContext tenant,
    AuditActor actor,
    AuditLog audit)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        var token = header["Bearer ".Length..].Trim();
        if (!ApiKeyService.TryParse(token, out var tenantId, out var keyId, out var secret))
            return AuthenticateResult.Fail("Malformed API key.");

        tenant.Set(tenantId);
        var (key, failure) = await keys.ValidateAsync(keyId, secret, Context.RequestAborted);
        if (failure is not null)
        {
            if (key is not null)
            {
                actor.Name = $"api-key:{key.Name}";
                await audit.WriteAsync(AuditActions.ApiKeyRejected, "api_key", key.Id.ToString(), failure, Context.RequestAborted);
            }

            tenant.Set(null);
            return AuthenticateResult.Fail("Invalid or revoked API key.");
        }

        actor.Name = $"api-key:{key!.Name}";
        var claims = new List<Claim>
        {
            new(AppClaims.TenantId, tenantId.ToString()),
            new(AppClaims.ApiKeyId, key.Id.ToString()),
            new(ClaimTypes.Name, key.Name),
        };
        claims.AddRange(key.Scopes.Select(s => new Claim(AppClaims.Scope, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            "A valid API key is required: Authorization: Bearer <apiKey>.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden",
            "The API key does not have the scope this endpoint needs.");
}
