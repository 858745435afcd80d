using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Infrastructure.Requests;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Hosting;

namespace PhoneCrm.Web.Features.Requests;

/// <summary>
/// The compliance officer's queue of data-subject requests (overdue first and highlighted), the staff intake form and a
/// request's page with its actions (verify, execute, reject, extend, assign) and the notices sent to the person.
/// </summary>
[Route("requests"), RequirePermission(Permission.RequestsView)]
public sealed class RequestsController(SubjectRequests requests, TenantClock clock, TimeProvider time, IStringLocalizer<SharedResource> t)
    : UiController
{
    /// <summary>The intake form as typed; the time of receipt is local to the tenant's zone (<c>datetime-local</c>).</summary>
    public sealed class IntakeForm
    {
        public string? Type { get; set; }
        public string? Channel { get; set; }
        public string? Phone { get; set; }
        public string? FullName { get; set; }
        public string? Email { get; set; }
        public string? ReceivedAt { get; set; }
    }

    /// <summary>The list's filters as the page sends them: <c>status</c> is a status or <c>open</c> (the default) or <c>all</c>.</summary>
    public sealed class ListQuery
    {
        public string? Status { get; set; }
        public string? Type { get; set; }
        public bool Overdue { get; set; }
        public Guid? Assignee { get; set; }
        public string? Cursor { get; set; }
    }

    public sealed record ListModel(ListQuery Query, SubjectRequestPage Page, IReadOnlyList<RequestHandler> Handlers, int OverdueCount);

    public sealed record IntakeModel(IntakeForm Input, IReadOnlyDictionary<string, string> Errors);

    public sealed record ShowModel(SubjectRequestDto Request, IReadOnlyList<RequestHandler> Handlers, IReadOnlyDictionary<string, string> Errors);

    [HttpGet("")]
    public async Task<IActionResult> Index([FromQuery] ListQuery query, CancellationToken ct)
    {
        var status = query.Status ?? "open";
        var filter = new SubjectRequestFilter
        {
            Status = SubjectRequestStatuses.All.Contains(status) ? status : null, Open = status == "open",
            Type = SubjectRequestTypes.All.Contains(query.Type ?? "") ? query.Type : null, Overdue = query.Overdue, Assignee = query.Assignee,
            Cursor = query.Cursor,
        };
        var (page, _) = await requests.ListAsync(filter, ct);
        query.Status = status;
        return View(new ListModel(query, page ?? new SubjectRequestPage([], null), await requests.HandlersAsync(ct), (await requests.CountsAsync(ct)).Overdue));
    }

    [HttpGet("new"), RequirePermission(Permission.RequestsManage)]
    public IActionResult New() =>
        View("New", new IntakeModel(new IntakeForm { Channel = SubjectRequestChannels.Phone, ReceivedAt = clock.FormatInput(time.GetUtcNow()) },
            new Dictionary<string, string>()));

    [HttpPost(""), RequirePermission(Permission.RequestsManage)]
    public async Task<IActionResult> Create(IntakeForm form, CancellationToken ct)
    {
        if (!clock.TryParse(form.ReceivedAt, out var receivedAt))
            return Invalid(View("New", new IntakeModel(form, new Dictionary<string, string> { ["receivedAt"] = t["Enter a date and time."] })));
        var result = await requests.CreateAsync(new SubjectRequestInput
        {
            Type = form.Type, Channel = form.Channel, Phone = form.Phone, FullName = form.FullName, Email = form.Email, ReceivedAt = receivedAt,
        }, ct);
        if (result.Request is not { } created) return Invalid(View("New", new IntakeModel(form, Translate(result))));
        Flash(t["Request {0} recorded; the person was sent the acknowledgement.", created.Number]);
        return Redirect($"/requests/{created.Id}");
    }

    public sealed record TermsModel(SubjectRequestSettings Settings, IReadOnlyDictionary<string, string> Errors);

    /// <summary>The terms the tenant promises the person, shorter than the law's (working days for access and rectification).</summary>
    [HttpGet("terms"), RequirePermission(Permission.RequestsManage)]
    public async Task<IActionResult> Terms(CancellationToken ct) => View("Terms", new TermsModel(await requests.SettingsAsync(ct), new Dictionary<string, string>()));

    [HttpPost("terms"), RequirePermission(Permission.RequestsManage)]
    public async Task<IActionResult> SaveTerms(int? accessDays, int? rectifyDays, int? erasureDays, int? withdrawAllDays, CancellationToken ct)
    {
        var errors = await requests.SaveSettingsAsync(accessDays, rectifyDays, erasureDays, withdrawAllDays, ct);
        if (!errors.IsValid)
        {
            var typed = new SubjectRequestSettings { AccessDays = accessDays, RectifyDays = rectifyDays, ErasureDays = erasureDays, WithdrawAllDays = withdrawAllDays };
            return Invalid(View("Terms", new TermsModel(typed, errors.ByField.ToDictionary(e => e.Key, e => t[e.Value[0]].Value))));
        }

        Flash(t["Answer terms saved; they apply to requests received from now on."]);
        return Redirect("/requests/terms");
    }

    [HttpGet("{id:guid}")]
    public async Task<IActionResult> Show(Guid id, CancellationToken ct) =>
        await requests.GetAsync(id, ct) is { } request
            ? View("Show", new ShowModel(request, await requests.HandlersAsync(ct), new Dictionary<string, string>()))
            : NotFound();

    [HttpPost("{id:guid}/verify"), RequirePermission(Permission.RequestsManage)]
    public async Task<IActionResult> Verify(Guid id, string? method, string? note, CancellationToken ct) =>
        await AfterAsync(id, await requests.VerifyAsync(id, new VerifyInput { Method = method, Note = note }, ct), t["The person's identity is verified."], ct);

    [HttpPost("{id:guid}/execute"), RequirePermission(Permission.RequestsManage)]
    public async Task<IActionResult> Execute(Guid id, string? note, CancellationToken ct) =>
        await AfterAsync(id, await requests.ExecuteAsync(id, new ReasonInput { Note = note }, ct), t["The request is executed and the person notified."], ct);

    [HttpPost("{id:guid}/reject"), RequirePermission(Permission.RequestsManage)]
    public async Task<IActionResult> Reject(Guid id, string? reason, CancellationToken ct) =>
        await AfterAsync(id, await requests.RejectAsync(id, new ReasonInput { Reason = reason }, ct), t["The request is rejected and the person told why."], ct);

    [HttpPost("{id:guid}/extend"), RequirePermission(Permission.RequestsManage)]
    public async Task<IActionResult> Extend(Guid id, string? reason, CancellationToken ct) =>
        await AfterAsync(id, await requests.ExtendAsync(id, new ReasonInput { Reason = reason }, ct), t["The deadline is extended and the person told why."], ct);

    [HttpPost("{id:guid}/assign"), RequirePermission(Permission.RequestsManage)]
    public async Task<IActionResult> Assign(Guid id, Guid? assigneeId, CancellationToken ct) =>
        await AfterAsync(id, await requests.AssignAsync(id, assigneeId, ct), t["Assignee saved."], ct);

    /// <summary>Back to the request's page: with a message when it moved, with the reason beside the form when it did not.</summary>
    private async Task<IActionResult> AfterAsync(Guid id, RequestResult result, string done, CancellationToken ct)
    {
        if (result.NotFound) return NotFound();
        if (result.Request is not null)
        {
            Flash(done);
            return Redirect($"/requests/{id}");
        }

        var request = await requests.GetAsync(id, ct);
        if (request is null) return NotFound();
        var page = View("Show", new ShowModel(request, await requests.HandlersAsync(ct), Translate(result)));
        page.StatusCode = result.Conflict is null ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict;
        return page;
    }

    private Dictionary<string, string> Translate(RequestResult result)
    {
        var errors = result.Errors.ByField.ToDictionary(e => e.Key, e => t[e.Value[0]].Value);
        if (result.Conflict is { } conflict) errors["action"] = t[conflict.Message];
        return errors;
    }

    private static ViewResult Invalid(ViewResult page)
    {
        page.StatusCode = StatusCodes.Status400BadRequest;
        return page;
    }
}
