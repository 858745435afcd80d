using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Hosting;

namespace PhoneCrm.Web.Features.Requests;

/// <summary>The compliance officer's breach register: incidents with their Roskomnadzor clocks, the record form, and the notice drafts.</summary>
[Route("breaches"), RequirePermission(Permission.BreachesManage)]
public sealed class BreachesController(
    BreachRegister register, BreachNoticeContent notices, TenantClock clock, TimeProvider time, IStringLocalizer<SharedResource> t)
    : UiController
{
    /// <summary>The form's fields as typed: times are local to the tenant's zone (<c>datetime-local</c>).</summary>
    public sealed class BreachForm
    {
        public string? Description { get; set; }
        public string? DetectedAt { get; set; }
        public string? OccurredAt { get; set; }
        public List<string> Categories { get; set; } = [];
        public string? SubjectsAffected { get; set; }
        public string? PresumedCause { get; set; }
        public string? Harm { get; set; }
        public string? Measures { get; set; }
        public string? ContactPerson { get; set; }
        public string? InvestigationResults { get; set; }
        public string? Culprits { get; set; }
    }

    public sealed record ListModel(IReadOnlyList<BreachIncident> Incidents, DateTimeOffset Now);

    public sealed record FormModel(BreachIncident? Editing, BreachForm Input, IReadOnlyDictionary<string, string> Errors);

    public sealed record ShowModel(BreachIncident Incident, DateTimeOffset Now, IReadOnlyDictionary<string, string> Errors);

    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken ct) => View(new ListModel(await register.ListAsync(ct), time.GetUtcNow()));

    [HttpGet("new")]
    public IActionResult New() =>
        View("Form", new FormModel(null, new BreachForm { DetectedAt = clock.FormatInput(time.GetUtcNow()), ContactPerson = User.Identity?.Name },
            new Dictionary<string, string>()));

    [HttpPost("")]
    public Task<IActionResult> Create(BreachForm input, CancellationToken ct) => SaveAsync(null, input, ct);

    [HttpGet("{id:guid}")]
    public async Task<IActionResult> Show(Guid id, CancellationToken ct) =>
        await register.GetAsync(id, ct) is { } incident
            ? View(new ShowModel(incident, time.GetUtcNow(), new Dictionary<string, string>()))
            : NotFound();

    [HttpGet("{id:guid}/edit")]
    public async Task<IActionResult> Edit(Guid id, CancellationToken ct)
    {
        if (await register.GetAsync(id, ct) is not { } i) return NotFound();
        var input = new BreachForm
        {
            Description = i.Description, DetectedAt = clock.FormatInput(i.DetectedAt), OccurredAt = clock.FormatInput(i.OccurredAt),
            Categories = i.Categories, SubjectsAffected = i.SubjectsAffected.ToString(System.Globalization.CultureInfo.InvariantCulture),
            PresumedCause = i.PresumedCause, Harm = i.Harm, Measures = i.Measures, ContactPerson = i.ContactPerson,
            InvestigationResults = i.InvestigationResults, Culprits = i.Culprits,
        };
        return View("Form", new FormModel(i, input, new Dictionary<string, string>()));
    }

    [HttpPost("{id:guid}")]
    public Task<IActionResult> Update(Guid id, BreachForm input, CancellationToken ct) => SaveAsync(id, input, ct);

    /// <summary>The officer marks a notice as sent to Roskomnadzor, now or at the time they give.</summary>
    [HttpPost("{id:guid}/notices/{notice}")]
    public async Task<IActionResult> MarkSent(Guid id, string notice, string? sentAt, CancellationToken ct)
    {
        if (BreachClocks.ParseNotice(notice) is not { } which) return NotFound();
        if (!clock.TryParse(sentAt, out var at))
            return await ShowWithErrorAsync(id, "sentAt", t["Enter a date and time."], ct);
        var (saved, errors) = await register.MarkSentAsync(id, which, at, "ui", ct);
        if (errors.Has("id")) return NotFound();
        if (saved is null) return await ShowWithErrorAsync(id, "sentAt", t[errors.ByField.First().Value[0]], ct);
        Flash(which == BreachNotice.Initial ? t["The initial notice is marked as sent."] : t["The results notice is marked as sent."]);
        return Redirect($"/breaches/{id}");
    }

    /// <summary>The printable draft of a notice, filled from the incident and the operator's details.</summary>
    [HttpGet("{id:guid}/notices/{notice}")]
    public async Task<IActionResult> Notice(Guid id, string notice, CancellationToken ct)
    {
        if (BreachClocks.ParseNotice(notice) is not { } which) return NotFound();
        return await register.DraftAsync(id, which, ct) is { } draft ? View("Notice", draft) : NotFound();
    }

    /// <summary>The same draft as a PDF (A4, Cyrillic embedded).</summary>
    [HttpGet("{id:guid}/notices/{notice}/pdf")]
    public async Task<IActionResult> NoticePdf(Guid id, string notice, CancellationToken ct)
    {
        if (BreachClocks.ParseNotice(notice) is not { } which) return NotFound();
        return await register.DraftAsync(id, which, ct) is { } draft
            ? File(notices.Pdf(draft), "application/pdf", $"{draft.Incident.Number}-{notice}.pdf")
            : NotFound();
    }

    private async Task<IActionResult> SaveAsync(Guid? id, BreachForm form, CancellationToken ct)
    {
        var parseErrors = new Dictionary<string, string>();
        if (!clock.TryParse(form.DetectedAt, out var detectedAt)) parseErrors["detectedAt"] = t["Enter a date and time."];
        if (!clock.TryParse(form.OccurredAt, out var occurredAt)) parseErrors["occurredAt"] = t["Enter a date and time."];
        int? subjects = int.TryParse(form.SubjectsAffected, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n : null;
        if (subjects is null && !string.IsNullOrWhiteSpace(form.SubjectsAffected)) parseErrors["subjectsAffected"] = t["Enter a whole number."];
        var input = new BreachInput
        {
            Description = form.Description, DetectedAt = detectedAt, OccurredAt = occurredAt, Categories = form.Categories,
            SubjectsAffected = subjects, PresumedCause = form.PresumedCause, Harm = form.Harm, Measures = form.Measures,
            ContactPerson = form.ContactPerson, InvestigationResults = form.InvestigationResults, Culprits = form.Culprits,
        };
        var (saved, errors) = parseErrors.Count > 0 ? (null, new Domain.Validation.ValidationErrors()) : await register.SaveAsync(id, input, "ui", ct);
        if (errors.Has("id")) return NotFound();
        if (saved is null)
        {
            foreach (var (field, messages) in errors.ByField) parseErrors.TryAdd(field, t[messages[0]]);
            var editing = id is { } existing ? await register.GetAsync(existing, ct) : null;
            var page = View("Form", new FormModel(editing, form, parseErrors));
            page.StatusCode = StatusCodes.Status400BadRequest;
            return page;
        }

        Flash(t["Incident {0} saved.", saved.Number]);
        return Redirect($"/breaches/{saved.Id}");
    }

    private async Task<IActionResult> ShowWithErrorAsync(Guid id, string field, string message, CancellationToken ct)
    {
        if (await register.GetAsync(id, ct) is not { } incident) return NotFound();
        var page = View("Show", new ShowModel(incident, time.GetUtcNow(), new Dictionary<string, string> { [field] = message }));
        page.StatusCode = StatusCodes.Status400BadRequest;
        return page;
    }
}
