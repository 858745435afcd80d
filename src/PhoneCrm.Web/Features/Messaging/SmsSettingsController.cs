using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Messaging;

/// <summary>Admin: the tenant's SMS gateway (provider, credentials, sender name, price per segment). Secrets are write-only.</summary>
[Route("settings/sms"), RequirePermission(Permission.SettingsManage)]
public sealed class SmsSettingsController(SmsSettingsStore settings, AuditLog audit, IStringLocalizer<SharedResource> t) : UiController
{
    public sealed class SettingsForm
    {
        public string? Provider { get; set; }
        public string? Sender { get; set; }
        public string? PricePerSegment { get; set; }
        public string? Login { get; set; }
        public string? Secret { get; set; }
        public bool ClearCredentials { get; set; }
    }

    /// <param name="SmsRuCallbackUrl">Where SMS.ru posts receipts and replies for this tenant (the address is the secret).</param>
    public sealed record IndexModel(SettingsForm Form, string EffectiveProvider, bool HasLogin, bool HasSecret,
        IReadOnlyDictionary<string, string> Errors, string SmsRuCallbackUrl, string SmscCallbackUrl);

    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken ct)
    {
        var row = await settings.GetAsync(ct);
        var form = new SettingsForm
        {
            Provider = row?.Provider,
            Sender = row?.Sender,
            PricePerSegment = (await settings.PricePerSegmentAsync(ct)).ToString("0.####", CultureInfo.InvariantCulture),
        };
        return View(await ModelAsync(form, new Dictionary<string, string>(), ct));
    }

    [HttpPost("")]
    public async Task<IActionResult> Save(SettingsForm form, CancellationToken ct)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var provider = string.IsNullOrWhiteSpace(form.Provider) ? null : form.Provider.Trim();
        if (provider is not null && !SmsProviderNames.All.Contains(provider)) errors["Provider"] = t["Choose a provider from the list."];
        var sender = form.Sender?.Trim();
        if (sender is { Length: > 11 } && !sender.All(char.IsAsciiDigit)) errors["Sender"] = t["An alphanumeric sender name has at most 11 characters."];
        decimal price = 0;
        var priceText = (form.PricePerSegment ?? "0").Trim().Replace(',', '.');
        if (!decimal.TryParse(priceText.Length == 0 ? "0" : priceText, NumberStyles.Number, CultureInfo.InvariantCulture, out price)
            || price < 0 || price > 1000)
            errors["PricePerSegment"] = t["Enter a price between 0 and 1000, e.g. 3.25."];
        if (errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View(nameof(Index), await ModelAsync(form, errors, ct));
        }

        var login = form.ClearCredentials ? "" : string.IsNullOrEmpty(form.Login) ? null : form.Login.Trim();
        var secret = form.ClearCredentials ? "" : string.IsNullOrEmpty(form.Secret) ? null : form.Secret;
        await settings.SaveAsync(provider, sender, price, login, secret, ct);
        await audit.WriteAsync(AuditActions.Update, "sms_provider_settings", null,
            $"provider={provider ?? "default"}; sender={sender}; price={price.ToString(CultureInfo.InvariantCulture)}; " +
            $"loginChanged={login is not null}; secretChanged={secret is not null}", ct);
        Flash(t["SMS provider settings saved."]);
        return Redirect("/settings/sms");
    }

    private async Task<IndexModel> ModelAsync(SettingsForm form, IReadOnlyDictionary<string, string> errors, CancellationToken ct)
    {
        var row = await settings.GetAsync(ct);
        var (smsRu, smsc) = settings.CallbackUrls();
        return new IndexModel(form, await settings.ProviderNameAsync(ct), row?.LoginCipher is not null, row?.SecretCipher is not null, errors,
            smsRu, smsc);
    }
}
