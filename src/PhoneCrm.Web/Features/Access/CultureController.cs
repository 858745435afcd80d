using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using PhoneCrm.Web.Hosting;

namespace PhoneCrm.Web.Features.Access;

/// <summary>The language switch: remembers the choice in a cookie for a year.</summary>
public sealed class CultureController : UiController
{
    [HttpPost("culture"), AllowAnonymous]
    public IActionResult Set(string culture, string? returnUrl)
    {
        if (ServiceRegistration.Cultures.Any(c => c.Name == culture))
        {
            Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });
        }

        return LocalRedirect(!string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/");
    }
}
