using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Segments;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Messaging.Campaigns;
using PhoneCrm.Infrastructure.Segments;
using PhoneCrm.Infrastructure.Tenancy;
using PhoneCrm.Web.Features.Contacts;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Hosting;

namespace PhoneCrm.Web.Features.Messaging;

/// <summary>Campaigns UI (Messaging): list, create with a live counter and preview, audience and cost before sending,
/// test send, start/schedule, live progress and the recipients table with reasons. Same services as the API.</summary>
[Route("campaigns"), RequirePermission(Permission.CampaignsRead)]
public sealed class CampaignsController(
    CampaignService campaigns,
    CampaignReports reports,
    CampaignTestSender tests,
    SegmentService segments,
    ConsentPurposes purposes,
    PhoneCrm.Infrastructure.Messaging.MessageTemplates templates,
    TenantContext tenant,
    AuditLog audit,
    SmsSettingsStore smsSettings,
    TenantClock clock,
    IStringLocalizer<SharedResource> t) : UiController
{
    public sealed record ListItem(Campaign Campaign, CampaignStats Stats);

    /// <param name="Purposes">Shown by their names as on the Consent pages (built-ins translated, custom ones as the Admin named them).</param>
    /// <param name="CampaignId">The draft being edited; null for a new campaign.</param>
    public sealed record EditModel(CampaignInput Input, IReadOnlyList<Segment> Segments, IReadOnlyList<ConsentPurpose> Purposes,
        IReadOnlyDictionary<string, string[]> Errors, IReadOnlyList<MessageTemplate> Templates, Guid? TemplateId = null, Guid? CampaignId = null);

    /// <summary>The campaign form as posted (the send time is text on the tenant's clock).</summary>
    public sealed class CampaignForm
    {
        public string? Name { get; set; }
        public Guid? SegmentId { get; set; }
        public string? Purpose { get; set; }
        public string? Category { get; set; }
        public string? Text { get; set; }
        public string? SendAt { get; set; }
        public int? ThrottlePerMinute { get; set; }
        public string? VariantB { get; set; }
        public int? TestPercent { get; set; }
        public int? DecideAfterMinutes { get; set; }
    }

    public sealed record AudienceModel(long Audience, long Eligible, long Deferred, IReadOnlyDictionary<string, long> Skipped, int SegmentsPerMessage,
        decimal Cost, decimal PricePerSegment);

    /// <param name="Confirming">The Marketer pressed «Send now»/«Schedule»: the page asks once more with the count and the cost.</param>
    public sealed record DetailModel(Campaign Campaign, CampaignStats Stats, AudienceModel? Audience, IReadOnlyList<TestSendResult>? TestResults,
        IReadOnlyList<VariantStats> Variants, bool Confirming = false);

    public sealed record RecipientView(Guid ContactId, string Phone, string Outcome, string? Reason, DateTimeOffset? DeferredUntil, string? Variant,
        string? Name);

    public sealed record RecipientsModel(Campaign Campaign, string? Outcome, IReadOnlyList<RecipientView> Items, string? NextCursor);

    [HttpGet("")]
    public async Task<IActionResult> IndexAsync(CancellationToken ct)
    {
        var list = new List<ListItem>();
        foreach (var c in await campaigns.ListAsync(ct)) list.Add(new ListItem(c, await reports.StatsAsync(c, ct)));
        return View("Index", list);
    }

    [HttpGet("new")]
    [RequirePermission(Permission.CampaignsWrite)]
    public async Task<IActionResult> NewAsync(Guid? segmentId, Guid? templateId, CancellationToken ct)
    {
        // Starting from a saved template takes its text, purpose and category; the Marketer can still edit them.
        var template = templateId is { } tid ? await templates.GetAsync(tid, ct) : null;
        var input = new CampaignInput
        {
            SegmentId = segmentId, Purpose = template?.Purpose ?? "marketing",
            Category = template?.Category == SmsCategories.Informational ? SmsCategories.Informational : SmsCategories.Promotional,
            Text = template?.Text ?? "{{firstName}}, ",
        };
        return View("New", (await EditModelAsync(input, new Dictionary<string, string[]>(), ct)) with { TemplateId = template?.Id });
    }

    private async Task<EditModel> EditModelAsync(CampaignInput input, IReadOnlyDictionary<string, string[]> errors, CancellationToken ct) =>
        new(input, await segments.ListAsync(ct), await purposes.ListAsync(ct), errors, await templates.ListAsync(ct));

    [HttpPost("create")]
    [RequirePermission(Permission.CampaignsWrite)]
    public async Task<IActionResult> CreateAsync(CampaignForm form, CancellationToken ct)
    {
        var (input, errors) = InputOf(form);
        if (errors is null)
        {
            var (campaign, invalid) = await campaigns.CreateAsync(input, tenant.UserId, ct);
            if (campaign is not null)
            {
                await audit.WriteAsync(AuditActions.Create, "campaign", campaign.Id.ToString(), "ui", ct);
                Flash(t["Campaign saved as a draft."]);
                return Redirect($"/campaigns/{campaign.Id}");
            }

            errors = invalid.ByField;
        }

        return View("New", await EditModelAsync(input, errors, ct));
    }

    [HttpGet("{id:guid}/edit")]
    [RequirePermission(Permission.CampaignsWrite)]
    public async Task<IActionResult> EditAsync(Guid id, CancellationToken ct)
    {
        var c = await campaigns.GetAsync(id, ct);
        if (c is null) return NotFound();
        if (c.Status != CampaignStatus.Draft) return OnlyDrafts(id);
        var input = new CampaignInput
        {
            Name = c.Name, SegmentId = c.SegmentId, Purpose = c.Purpose, Category = c.Category, Text = c.Text, SendAt = c.SendAt,
            ThrottlePerMinute = c.ThrottlePerMinute,
            AbTest = c.VariantB is null ? null : new AbTestInput { VariantB = c.VariantB, TestPercent = c.TestPercent, DecideAfterMinutes = c.DecideAfterMinutes },
        };
        return View("New", (await EditModelAsync(input, new Dictionary<string, string[]>(), ct)) with { CampaignId = id });
    }

    [HttpPost("{id:guid}/edit")]
    [RequirePermission(Permission.CampaignsWrite)]
    public async Task<IActionResult> UpdateAsync(Guid id, CampaignForm form, CancellationToken ct)
    {
        var (input, errors) = InputOf(form);
        if (errors is null)
        {
            var (result, invalid) = await campaigns.UpdateDraftAsync(id, input, ct);
            if (result == CampaignCommandResult.NotFound) return NotFound();
            if (result == CampaignCommandResult.Conflict) return OnlyDrafts(id);
            if (invalid.IsValid)
            {
                await audit.WriteAsync(AuditActions.Update, "campaign", id.ToString(), "ui edit", ct);
                Flash(t["Draft saved."]);
                return Redirect($"/campaigns/{id}");
            }

            errors = invalid.ByField;
        }

        return View("New", (await EditModelAsync(input, errors, ct)) with { CampaignId = id });
    }

    private RedirectResult OnlyDrafts(Guid id)
    {
        FlashError(t["Only a draft can be edited."]);
        return Redirect($"/campaigns/{id}");
    }

    /// <summary>The form as the service's input; a send time that is not a date comes back as the field's error.</summary>
    private (CampaignInput Input, IReadOnlyDictionary<string, string[]>? Errors) InputOf(CampaignForm form)
    {
        var input = new CampaignInput
        {
            Name = form.Name, SegmentId = form.SegmentId, Purpose = form.Purpose, Category = form.Category, Text = form.Text,
            ThrottlePerMinute = form.ThrottlePerMinute,
            AbTest = string.IsNullOrWhiteSpace(form.VariantB) ? null
                : new AbTestInput { VariantB = form.VariantB, TestPercent = form.TestPercent ?? 10, DecideAfterMinutes = form.DecideAfterMinutes ?? 60 },
        };
        // The time is typed on the tenant's clock.
        if (!clock.TryParse(form.SendAt, out var at)) return (input, new Dictionary<string, string[]> { ["sendAt"] = [t["Enter a date and time."]] });
        input.SendAt = at;
        return (input, null);
    }

    /// <summary>The live counter and preview (htmx, as the text is typed).</summary>

    /// <summary>Audience and eligible-after-policy for a segment (htmx, on segment change).</summary>
    [HttpPost("audience")]
    public async Task<IActionResult> AudienceAsync(Guid? segmentId, string? purpose, string? category, string? text, CancellationToken ct)
    {
        if (segmentId is not { } id) return Content("");
        var cat = purpose == "transactional" ? SmsCategories.Transactional : category ?? SmsCategories.Promotional;
        return PartialView("_Audience", await AudienceModelAsync(id, purpose ?? "marketing", cat, SmsText.Measure(text).Segments, ct));
    }

    private async Task<AudienceModel> AudienceModelAsync(Guid segmentId, string purpose, string category, int segmentsPerMessage, CancellationToken ct)
    {
        var (audience, eligible, deferred, skipped) = await reports.PreviewAsync(segmentId, purpose, category, 20_000, ct);
        var price = await smsSettings.PricePerSegmentAsync(ct);
        return new AudienceModel(audience, eligible, deferred, skipped, segmentsPerMessage,
            SmsCost.Estimate(segmentsPerMessage, (int)Math.Min(int.MaxValue, eligible + deferred), price), price);
    }

    [HttpGet("{id:guid}")]
    public async Task<IActionResult> DetailAsync(Guid id, bool confirm, CancellationToken ct) =>
        await DetailViewAsync(id, null, ct, confirming: confirm && User.Has(Permission.CampaignsWrite));

    private async Task<IActionResult> DetailViewAsync(Guid id, IReadOnlyList<TestSendResult>? testResults, CancellationToken ct, bool confirming = false)
    {
        var c = await campaigns.GetAsync(id, ct);
        if (c is null) return NotFound();
        var audience = c.Status is CampaignStatus.Draft or CampaignStatus.Scheduled
            ? await AudienceModelAsync(c.SegmentId, c.Purpose, c.Category, c.SegmentsPerMessage, ct) : null;
        return View("Detail", new DetailModel(c, await reports.StatsAsync(c, ct), audience, testResults,
            c.IsAbTest ? await reports.VariantStatsAsync(c.Id, ct) : [], confirming && c.Status == CampaignStatus.Draft));
    }

    /// <summary>The progress panel, polled by htmx while the campaign sends.</summary>
    [HttpGet("{id:guid}/progress")]
    public async Task<IActionResult> ProgressAsync(Guid id, string? shown, CancellationToken ct)
    {
        var c = await campaigns.GetAsync(id, ct);
        if (c is null) return NotFound();
        // The status changed since the page was drawn: reload it so the actions match (htmx).
        if (shown is not null && shown != c.Status) Response.Headers["HX-Refresh"] = "true";
        return PartialView("_Progress", new DetailModel(c, await reports.StatsAsync(c, ct), null, null,
            c.IsAbTest ? await reports.VariantStatsAsync(c.Id, ct) : []));
    }

    [HttpPost("{id:guid}/test")]
    [RequirePermission(Permission.CampaignsWrite)]
    public async Task<IActionResult> TestAsync(Guid id, string? phones, CancellationToken ct)
    {
        var c = await campaigns.GetAsync(id, ct);
        if (c is null) return NotFound();
        var list = (phones ?? "").Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var (results, errors) = await tests.SendAsync(c, list, ct);
        if (!errors.IsValid)
        {
            FlashError(t.OneLine(errors));
            return Redirect($"/campaigns/{id}");
        }

        await audit.WriteAsync(AuditActions.Create, "campaign_test", id.ToString(), "ui", ct);
        return await DetailViewAsync(id, results, ct);
    }

    [HttpPost("{id:guid}/start")]
    [RequirePermission(Permission.CampaignsWrite)]
    public async Task<IActionResult> StartAsync(Guid id, bool confirmed, CancellationToken ct) =>
        // Sending costs money and cannot be taken back: the page asks first, with the eligible count and the cost.
        confirmed ? await CommandAsync(id, "start", campaigns.StartAsync, ct) : Redirect($"/campaigns/{id}?confirm=true#confirm-start");

    [HttpPost("{id:guid}/pause")]
    [RequirePermission(Permission.CampaignsWrite)]
    public Task<IActionResult> PauseAsync(Guid id, CancellationToken ct) => CommandAsync(id, "pause", campaigns.PauseAsync, ct);

    [HttpPost("{id:guid}/resume")]
    [RequirePermission(Permission.CampaignsWrite)]
    public Task<IActionResult> ResumeAsync(Guid id, CancellationToken ct) => CommandAsync(id, "resume", campaigns.ResumeAsync, ct);

    [HttpPost("{id:guid}/cancel")]
    [RequirePermission(Permission.CampaignsWrite)]
    public Task<IActionResult> CancelAsync(Guid id, CancellationToken ct) => CommandAsync(id, "cancel", campaigns.CancelAsync, ct);

    private async Task<IActionResult> CommandAsync(Guid id, string what, Func<Guid, CancellationToken, Task<CampaignCommandResult>> command, CancellationToken ct)
    {
        var result = await command(id, ct);
        if (result == CampaignCommandResult.NotFound) return NotFound();
        if (result == CampaignCommandResult.Conflict) FlashError(t["The campaign cannot do that in its current status."]);
        else await audit.WriteAsync(AuditActions.Update, "campaign", id.ToString(), what, ct);
        return Redirect($"/campaigns/{id}");
    }

    [HttpGet("{id:guid}/recipients")]
    public async Task<IActionResult> RecipientsAsync(Guid id, string? outcome, Guid? after, CancellationToken ct)
    {
        var c = await campaigns.GetAsync(id, ct);
        if (c is null) return NotFound();
        outcome = string.IsNullOrEmpty(outcome) ? null : outcome;
        const int page = 200;
        var personal = ContactAccess.PersonalForAll(User);
        var rows = await reports.RecipientsAsync(id, outcome, after, page, personal, ct);
        var items = rows.Select(r => new RecipientView(r.ContactId, personal ? PhoneFormatting.Display(r.Phone) : r.Phone, r.Outcome, r.Reason,
            r.DeferredUntil, r.Variant, r.Name)).ToList();
        if (items.Count > 0 && personal) await audit.WriteAsync(AuditActions.Read, "campaign_recipients", id.ToString(), $"{items.Count} phones and names", ct);
        return View("Recipients", new RecipientsModel(c, outcome, items, rows.Count == page ? rows[^1].ContactId.ToString() : null));
    }
}
