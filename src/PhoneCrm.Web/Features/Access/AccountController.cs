using System.ComponentModel.DataAnnotations;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Access;
using PhoneCrm.Web.Hosting;
using QRCoder;

namespace PhoneCrm.Web.Features.Access;

[Route("account")]
public sealed class AccountController(
    SignInManager<AppUser> signIn,
    UserManager<AppUser> users,
    AccountEvents events,
    IStringLocalizer<SharedResource> t) : UiController
{
    public sealed class LoginForm
    {
        [Required(ErrorMessage = "Enter your email"), EmailAddress(ErrorMessage = "Enter a valid email")]
        public string Email { get; set; } = "";
        [Required(ErrorMessage = "Enter your password"), DataType(DataType.Password)]
        public string Password { get; set; } = "";
        public string? ReturnUrl { get; set; }
    }

    public const string WrongSignIn = "Wrong email or password, or sign-in is temporarily locked after too many failed attempts.";

    [HttpGet("login"), AllowAnonymous]
    public IActionResult Login(string? returnUrl, bool deactivated = false)
    {
        if (deactivated) ModelState.AddModelError("", t["Your access to this workspace has ended. Ask your administrator."]);
        return View(new LoginForm { ReturnUrl = returnUrl });
    }

    [HttpPost("login"), AllowAnonymous, EnableRateLimiting(RateLimits.SignIn)]
    public async Task<IActionResult> Login(LoginForm form)
    {
        if (!ModelState.IsValid) return View(form);
        var user = await users.FindByEmailAsync(form.Email.Trim());
        var tenantId = user is null ? null : await events.IdentifyAsync(user);

        // A platform operator belongs to no tenant; anyone else needs an active membership of a tenant not suspended.
        var result = user is null || (tenantId is null && !user.IsPlatformOperator)
            ? Microsoft.AspNetCore.Identity.SignInResult.Failed
            : await signIn.PasswordSignInAsync(user, form.Password, isPersistent: false, lockoutOnFailure: true);
        if (user is not null) await events.RecordSignInAsync(tenantId, user.Id, result, secondFactor: false);

        if (result.Succeeded || result.RequiresTwoFactor)
        {
            return result.RequiresTwoFactor
                ? RedirectToAction(nameof(LoginTwoFactor), new { form.ReturnUrl })
                : LocalRedirect(SafeReturnUrl(form.ReturnUrl));
        }

        // One message whatever the cause (unknown account, wrong password, locked): the page must not confirm that an
        // account exists or that a guess hit a locked one.
        ModelState.AddModelError("", t[WrongSignIn]);
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return View(form);
    }

    public sealed class TwoFactorForm
    {
        [Required(ErrorMessage = "Enter the code")]
        public string Code { get; set; } = "";
        public bool UseRecoveryCode { get; set; }
        public string? ReturnUrl { get; set; }
    }

    [HttpGet("login-2fa"), AllowAnonymous]
    public async Task<IActionResult> LoginTwoFactor(string? returnUrl) =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null
            ? RedirectToAction(nameof(Login))
            : View(new TwoFactorForm { ReturnUrl = returnUrl });

    [HttpPost("login-2fa"), AllowAnonymous, EnableRateLimiting(RateLimits.SignIn)]
    public async Task<IActionResult> LoginTwoFactor(TwoFactorForm form)
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null) return RedirectToAction(nameof(Login));
        if (!ModelState.IsValid) return View(form);
        // Recovery codes are stored as shown (XXXXX-XXXXX): only an authenticator code loses its spaces and dashes.
        var code = form.UseRecoveryCode ? form.Code.Trim()
            : form.Code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        var result = form.UseRecoveryCode
            ? await signIn.TwoFactorRecoveryCodeSignInAsync(code)
            : await signIn.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false);
        await events.RecordSignInAsync(await events.IdentifyAsync(user), user.Id, result, secondFactor: true);
        if (result.Succeeded) return LocalRedirect(SafeReturnUrl(form.ReturnUrl));

        ModelState.AddModelError(nameof(form.Code), result.IsLockedOut
            ? t["Too many failed attempts. The account is locked for a while; try again later or ask your administrator."]
            : t["The code is wrong or has expired. Enter the current code from your app."]);
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return View(form);
    }

    [HttpPost("logout"), RequirePermission(Permission.OwnAccount)]
    public async Task<IActionResult> Logout()
    {
        await events.SignedOutAsync();
        await signIn.SignOutAsync();
        return RedirectToAction(nameof(Login));
    }

    /// <summary>An agency's marketer moves to another company they work for; the cookie is re-issued naming it.</summary>
    [HttpPost("switch-tenant"), RequirePermission(Permission.OwnAccount)]
    public async Task<IActionResult> SwitchTenant(Guid tenantId)
    {
        var user = await users.GetUserAsync(User);
        if (user is null || !await events.CanWorkInAsync(user.Id, tenantId)) return NotFound();
        HttpContext.Items[AppClaimsPrincipalFactory.ChosenTenantKey] = tenantId;
        await signIn.RefreshSignInAsync(user);
        await events.TenantSwitchedAsync(tenantId, user.Id);
        // The dashboard, not the page they were on: its ids belong to the other company.
        return LocalRedirect("/");
    }

    [HttpGet("access-denied"), AllowAnonymous]
    public IActionResult AccessDenied()
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return View();
    }

    public sealed class MfaSetup
    {
        public string SharedKey { get; set; } = "";
        public string QrSvg { get; set; } = "";
        public bool Enabled { get; set; }
        [Required(ErrorMessage = "Enter the code")]
        public string Code { get; set; } = "";
        public IReadOnlyList<string> RecoveryCodes { get; set; } = [];
    }

    [HttpGet("mfa"), RequirePermission(Permission.OwnAccount)]
    public async Task<IActionResult> Mfa()
    {
        var user = await CurrentUserAsync();
        return View(await BuildMfaSetupAsync(user));
    }

    /// <summary>
    /// Re-enrolment (a new phone, a key that may have leaked): only with the password, and always a new key — the key of
    /// an enrolled account is never shown again (issue 12 item 7). The second factor is off until the new key is confirmed.
    /// </summary>
    [HttpPost("mfa/reset"), RequirePermission(Permission.OwnAccount), EnableRateLimiting(RateLimits.SignIn)]
    public async Task<IActionResult> MfaReset(string? password)
    {
        var user = await CurrentUserAsync();
        if (string.IsNullOrEmpty(password) || !await users.CheckPasswordAsync(user, password))
        {
            ModelState.AddModelError("Password", t["The password is wrong."]);
            await events.MfaEnrolmentFailedAsync(user.Id);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View(nameof(Mfa), await BuildMfaSetupAsync(user));
        }

        await users.ResetAuthenticatorKeyAsync(user);
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 0);
        await events.MfaReenrolmentAsync(user.Id);
        await signIn.RefreshSignInAsync(user);
        return View(nameof(Mfa), await BuildMfaSetupAsync(user));
    }

    [HttpPost("mfa"), RequirePermission(Permission.OwnAccount)]
    public async Task<IActionResult> Mfa(MfaSetup form)
    {
        var user = await CurrentUserAsync();
        var code = (form.Code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (!ModelState.IsValid || !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            ModelState.Remove(nameof(form.Code));
            ModelState.AddModelError(nameof(form.Code), t["The code is wrong or has expired. Enter the current code from your app."]);
            await events.MfaEnrolmentFailedAsync(user.Id);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View(await BuildMfaSetupAsync(user));
        }

        await users.SetTwoFactorEnabledAsync(user, true);
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))?.ToList() ?? [];
        await events.MfaEnabledAsync(user.Id);
        await signIn.RefreshSignInAsync(user);
        var model = await BuildMfaSetupAsync(user);
        model.RecoveryCodes = codes;
        return View(model);
    }

    public sealed class ChangePasswordForm
    {
        [Required(ErrorMessage = "Enter your current password"), DataType(DataType.Password)]
        public string CurrentPassword { get; set; } = "";
        [Required(ErrorMessage = "Enter a new password"), DataType(DataType.Password), MinLength(10, ErrorMessage = "At least 10 characters")]
        public string NewPassword { get; set; } = "";
        [Compare(nameof(NewPassword), ErrorMessage = "The passwords do not match"), DataType(DataType.Password)]
        public string ConfirmPassword { get; set; } = "";
    }

    [HttpGet("change-password"), RequirePermission(Permission.OwnAccount)]
    public IActionResult ChangePassword() => View(new ChangePasswordForm());

    [HttpPost("change-password"), RequirePermission(Permission.OwnAccount), EnableRateLimiting(RateLimits.SignIn)]
    public async Task<IActionResult> ChangePassword(ChangePasswordForm form)
    {
        if (!ModelState.IsValid) return View(form);
        var user = await CurrentUserAsync();
        if (form.NewPassword == form.CurrentPassword)
        {
            ModelState.AddModelError(nameof(form.NewPassword), t["The new password must differ from the current one."]);
            return View(form);
        }

        var result = await users.ChangePasswordAsync(user, form.CurrentPassword, form.NewPassword);
        if (!result.Succeeded)
        {
            foreach (var e in result.Errors)
                ModelState.AddModelError(e.Code == "PasswordMismatch" ? nameof(form.CurrentPassword) : nameof(form.NewPassword), t[e.Description]);
            return View(form);
        }

        user.MustChangePassword = false;
        await users.UpdateAsync(user);
        await events.PasswordChangedAsync(user.Id);
        await signIn.RefreshSignInAsync(user);
        Flash(t["Password changed."]);
        return Redirect("/");
    }

    private async Task<AppUser> CurrentUserAsync() =>
        await users.GetUserAsync(User) ?? throw new InvalidOperationException("Signed-in user not found.");

    private async Task<MfaSetup> BuildMfaSetupAsync(AppUser user)
    {
        // Once enrolled, the key stays in the authenticator app only: the page offers re-enrolment instead.
        if (await users.GetTwoFactorEnabledAsync(user)) return new MfaSetup { Enabled = true };
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
        }

        var uri = $"otpauth://totp/{Uri.EscapeDataString("PhoneCrm:" + user.Email)}?secret={key}&issuer=PhoneCrm&digits=6";
        using var qr = new QRCodeGenerator();
        using var data = qr.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(data).GetGraphic(4);
        return new MfaSetup { SharedKey = FormatKey(key!), QrSvg = svg, Enabled = false };
    }

    private static string FormatKey(string key)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4) sb.Append(key.AsSpan(i, Math.Min(4, key.Length - i))).Append(' ');
        return sb.ToString().TrimEnd().ToLowerInvariant();
    }

    private string SafeReturnUrl(string? url) => !string.IsNullOrEmpty(url) && Url.IsLocalUrl(url) ? url : "/";
}
