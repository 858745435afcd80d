using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Infrastructure.Access;

namespace PhoneCrm.Web.Features.Access;

/// <summary>The companies a person works for, in the user menu, when there is more than one to switch between.</summary>
public sealed class TenantSwitcherViewComponent(CurrentTenant tenants) : ViewComponent
{
    public sealed record Model(Guid Current, IReadOnlyList<TenantChoice> Choices);

    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (!UserClaimsPrincipal.HasClaim(c => c.Type == AppClaims.SeveralTenants)
            || !Guid.TryParse(UserClaimsPrincipal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)
            || !Guid.TryParse(UserClaimsPrincipal.FindFirstValue(AppClaims.TenantId), out var current)) return Content("");
        var choices = await tenants.ChoicesAsync(userId, HttpContext.RequestAborted);
        return choices.Count < 2 ? Content("") : View("/Features/Access/Views/Shared/_TenantSwitcher.cshtml", new Model(current, choices));
    }
}
