using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Messaging.Providers;
using PhoneCrm.Infrastructure.Messaging.Simulator;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.Web.Features.Messaging;

/// <summary>The SMS simulator for demos and tests: what it accepted, and a form to send a reply "from a phone".</summary>
[Route("messaging/simulator"), RequirePermission(Permission.CampaignsWrite)]
public sealed class SimulatorController(SimulatorOutbox outbox, InboundSmsService inbound, SmsProviderResolver providers, AuditLog audit,
    IStringLocalizer<SharedResource> t) : UiController
{
    public sealed class ReplyForm
    {
        public string? From { get; set; }
        public string? Text { get; set; }
    }

    public sealed record IndexModel(IReadOnlyList<SimulatorOutboxItem> Items, bool Active, ReplyForm Form,
        IReadOnlyDictionary<string, string> Errors);

    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken ct) => View(await ModelAsync(new ReplyForm(), new Dictionary<string, string>(), ct));

    /// <summary>Injects an inbound SMS exactly as the <c>/api/v1/sms/inbound</c> webhook would receive it.</summary>
    [HttpPost("inbound")]
    public async Task<IActionResult> Inbound(ReplyForm form, CancellationToken ct)
    {
        var result = await inbound.ReceiveAsync(new InboundInput(form.From, "simulator", form.Text ?? "", null), ct);
        if (!result.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            var errors = result.Errors.ByField.ToDictionary(e => e.Key switch { "from" => "From", "text" => "Text", _ => e.Key },
                e => e.Key == "from" ? t["Enter the sender's phone number."].Value : t["The text is too long."].Value);
            return View(nameof(Index), await ModelAsync(form, errors, ct));
        }

        await audit.WriteAsync(AuditActions.Create, "sms_inbound", result.Message!.Id.ToString(), $"simulator; kind={result.Message.Kind}", ct);
        Flash(string.Format(CultureInfo.CurrentCulture, t["Reply received: {0}."].Value, t.Code("inboundKind", result.Message.Kind)));
        return Redirect("/messaging/simulator");
    }

    private async Task<IndexModel> ModelAsync(ReplyForm form, IReadOnlyDictionary<string, string> errors, CancellationToken ct)
    {
        var page = await outbox.ListLatestAsync(200, ct);
        await audit.WriteAsync(AuditActions.Read, "sms_simulator_message", null, $"simulator page; count={page.Count}", ct);
        return new IndexModel(page, await providers.IsSimulatorAsync(ct), form, errors);
    }
}
