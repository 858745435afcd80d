using System.Globalization;
using System.Security.Claims;
using ClosedXML.Excel;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Events;
using PhoneCrm.Infrastructure.Export;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Features.Consent;

namespace PhoneCrm.Web.Features.Contacts;

/// <summary>The contact base: list with search, filters and keyset paging; the card with edit, tags, notes, owner; export.</summary>
[Route("contacts"), RequirePermission(Permission.ContactsRead)]
public sealed class ContactsController(
    ContactService contacts,
    EventService timeline,
    AuditLog audit,
    AuditActor actor,
    ConsentLedger ledger,
    TimeProvider clock,
    IStringLocalizer<SharedResource> t) : UiController
{
    public const int PageSize = 50;

    /// <summary>The create and edit form; field names match the API's, so service errors land on the right input.</summary>
    public sealed class ContactForm
    {
        public string? Phone { get; set; }
        public string? FirstName { get; set; }
        public string? LastName { get; set; }
        public string? Email { get; set; }
        public string? City { get; set; }
        public string? Gender { get; set; }
        public string? BirthDate { get; set; }
        /// <summary>Comma-separated.</summary>
        public string? Tags { get; set; }
        public string? SourceChannel { get; set; }
        public string? SourceDetail { get; set; }
        public string? Status { get; set; }

        public ContactInput ToInput() => new()
        {
            Phone = Phone,
            FirstName = FirstName,
            LastName = LastName,
            Email = Email,
            City = City,
            Gender = Gender,
            BirthDate = BirthDate,
            Tags = (Tags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            SourceChannel = SourceChannel,
            SourceDetail = SourceDetail,
            Status = Status,
        };

        public static ContactForm From(ContactView v) => new()
        {
            Phone = v.Masked ? null : v.PhoneDisplay,
            FirstName = v.FirstName,
            LastName = v.LastName,
            Email = v.Email,
            City = v.City,
            Gender = v.Gender,
            BirthDate = v.BirthDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Tags = string.Join(", ", v.Tags),
            SourceChannel = v.SourceChannel,
            SourceDetail = v.SourceDetail,
            Status = v.Status,
        };
    }

    public sealed record IndexModel(ContactFilter Filter, IReadOnlyList<ContactView> Rows, string? NextCursor, string? PreviousCursor,
        ContactTotal Total, bool Personal, bool OwnOnly, IReadOnlyList<ContactOwner> Owners, IReadOnlyList<string> Cities);

    public sealed record CardModel(ContactView Contact, ContactForm Form, IReadOnlyDictionary<string, string> Errors,
        IReadOnlyList<NoteView> Notes, IReadOnlyList<ContactOwner> Owners, bool CanWrite, bool CanAssign, string? Tab,
        ConsentTab? Consents = null, IReadOnlyList<TimelineEvent>? Events = null);

    public const int TimelineSize = 100;

    public sealed record NewModel(ContactForm Form, IReadOnlyDictionary<string, string> Errors, Guid? ExistingId);

    [HttpGet("")]
    public async Task<IActionResult> Index([FromQuery] ContactFilter filter, CancellationToken ct)
    {
        var scope = ContactAccess.ScopeFor(User);
        var page = await contacts.PageAsync(filter, scope, PageSize, ct);
        await audit.WriteAsync(AuditActions.Read, "contact_list", null, $"{filter.Describe(page.SearchKind)};rows={page.Items.Count}", ct);
        var cities = await contacts.CitiesAsync(300, ct);
        var total = await contacts.TotalAsync(filter, scope, page, ct);
        return View(new IndexModel(filter, page.Items.Select(c => contacts.View(c, scope)).ToList(), page.NextCursor, page.PreviousCursor,
            total, scope.Personal, scope.OwnerOnly is not null, await contacts.OwnersAsync(ct), cities));
    }

    [HttpGet("new"), RequirePermission(Permission.ContactsWrite)]
    public IActionResult New() => View(new NewModel(new ContactForm { Gender = ContactGender.Unknown, SourceChannel = ContactSources.Manual },
        new Dictionary<string, string>(), null));

    [HttpPost("new"), RequirePermission(Permission.ContactsWrite)]
    public async Task<IActionResult> Create(ContactForm form, CancellationToken ct)
    {
        var scope = ContactAccess.ScopeFor(User);
        var input = form.ToInput();
        input.SourceChannel ??= ContactSources.Manual;
        var valid = input.Validate(await contacts.DefaultRegionAsync(ct), phoneRequired: true, out var errors);
        if (valid is not null)
        {
            var (existing, _) = await contacts.FindByPhoneAsync(form.Phone!, ContactScope.Full, ct);
            if (existing is not null)
            {
                Response.StatusCode = StatusCodes.Status409Conflict;
                var visible = scope.OwnerOnly is null || existing.OwnerId == scope.OwnerOnly;
                return View(nameof(New), new NewModel(form, new Dictionary<string, string> { ["phone"] = t["A contact with this number already exists."] },
                    visible ? existing.Id : null));
            }
        }

        if (valid is null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View(nameof(New), new NewModel(form, t.Messages(errors), null));
        }

        var result = await contacts.UpsertAsync(input, ct);
        if (!result.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View(nameof(New), new NewModel(form, t.Messages(result.Errors), null));
        }

        var contact = result.Contact!;
        // A sales manager's new contact is theirs, or they could not see it.
        if (scope.OwnerOnly is { } me) await contacts.SetOwnerAsync(contact.Id, me, ContactScope.Full, ct);
        await audit.WriteAsync(AuditActions.Create, "contact", contact.Id.ToString(), "ui", ct);
        Flash(t["Contact created."]);
        return Redirect($"/contacts/{contact.Id}");
    }

    [HttpGet("{id:guid}")]
    public async Task<IActionResult> Card(Guid id, string? tab, CancellationToken ct)
    {
        var scope = ContactAccess.ScopeFor(User);
        var contact = await contacts.GetAsync(id, scope, ct);
        if (contact is null) return NotFound();
        await audit.WriteAsync(AuditActions.Read, "contact", id.ToString(), "card", ct);
        var view = contacts.View(contact, scope);
        return View(await CardModelAsync(view, ContactForm.From(view), new Dictionary<string, string>(), scope, tab, ct));
    }

    [HttpPost("{id:guid}"), RequirePermission(Permission.ContactsWrite)]
    public async Task<IActionResult> Update(Guid id, ContactForm form, CancellationToken ct)
    {
        var scope = ContactAccess.ScopeFor(User);
        var result = await contacts.UpdateAsync(id, form.ToInput(), scope, ct);
        if (result.Contact is null) return NotFound();
        if (!result.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            var current = contacts.View(result.Contact, scope);
            return View(nameof(Card), await CardModelAsync(current, form, t.Messages(result.Errors), scope, null, ct));
        }

        await audit.WriteAsync(AuditActions.Update, "contact", id.ToString(), "ui edit", ct);
        Flash(t["Saved."]);
        return Redirect($"/contacts/{id}");
    }

    [HttpPost("{id:guid}/notes"), RequirePermission(Permission.ContactsWrite)]
    public async Task<IActionResult> AddNote(Guid id, string? text, CancellationToken ct)
    {
        var scope = ContactAccess.ScopeFor(User);
        if (await contacts.GetAsync(id, scope, ct) is null) return NotFound();
        if (string.IsNullOrWhiteSpace(text) || text.Length > 4000)
        {
            FlashError(t["A note must have 1 to 4000 characters."]);
            return Redirect($"/contacts/{id}#notes");
        }

        await contacts.AddNoteAsync(id, text, actor.UserId, actor.Name, scope, ct);
        await audit.WriteAsync(AuditActions.Update, "contact", id.ToString(), "note added", ct);
        Flash(t["Note added."]);
        return Redirect($"/contacts/{id}#notes");
    }

    [HttpPost("{id:guid}/owner"), RequirePermission(Permission.ContactsWrite)]
    public async Task<IActionResult> SetOwner(Guid id, Guid? ownerId, CancellationToken ct)
    {
        var scope = ContactAccess.ScopeFor(User);
        if (await contacts.GetAsync(id, scope, ct) is null) return NotFound();
        if (scope.OwnerOnly is not null)
        {
            FlashError(t["Only a marketer or an admin can reassign contacts."]);
            return Redirect($"/contacts/{id}");
        }

        if (ownerId is { } o && (await contacts.OwnersAsync(ct)).All(x => x.Id != o))
        {
            FlashError(t["Choose a sales manager of this company."]);
            return Redirect($"/contacts/{id}");
        }

        await contacts.SetOwnerAsync(id, ownerId, scope, ct);
        await audit.WriteAsync(AuditActions.Update, "contact", id.ToString(), $"owner={ownerId}", ct);
        Flash(t["Owner updated."]);
        return Redirect($"/contacts/{id}");
    }

    /// <summary>The filtered list as CSV (for Excel with <c>;</c> or with <c>,</c>: <paramref name="csv"/>, default by UI
    /// language) or XLSX; masked for roles without personal access; formulas neutralised.</summary>
    [HttpGet("export"), RequirePermission(Permission.ContactsExport)]
    public async Task<IActionResult> Export([FromQuery] ContactFilter filter, string? format, string? csv, CancellationToken ct)
    {
        var scope = ContactAccess.ScopeFor(User);
        filter.After = null;
        filter.Before = null;
        var xlsx = string.Equals(format, "xlsx", StringComparison.OrdinalIgnoreCase);
        var (rows, kind) = await contacts.StreamAsync(filter, scope, ct);
        string[] header = ["id", "phone", "first_name", "last_name", "email", "city", "gender", "birth_date", "tags", "source_channel",
            "source_detail", "owner_id", "status", "time_zone", "created_at", "updated_at", "middle_name", "other_phones"];
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture);
        var count = 0;
        Response.Headers.ContentDisposition = $"attachment; filename=\"contacts-{stamp}.{(xlsx ? "xlsx" : "csv")}\"";
        if (xlsx)
        {
            // ClosedXML builds the workbook in memory; rows are still read from the database as a stream.
            using var book = new XLWorkbook();
            var sheet = book.AddWorksheet("contacts");
            for (var i = 0; i < header.Length; i++) sheet.Cell(1, i + 1).SetValue(header[i]);
            await foreach (var c in rows.WithCancellation(ct))
            {
                count++;
                var cells = Cells(contacts.View(c, scope));
                for (var i = 0; i < cells.Length; i++) sheet.Cell(count + 1, i + 1).SetValue(CsvRowWriter.Neutralise(cells[i]));
            }

            await audit.WriteAsync(AuditActions.Export, "contact", null, $"xlsx;{filter.Describe(kind)};rows={count}", ct);
            var buffer = new MemoryStream();
            book.SaveAs(buffer);
            buffer.Position = 0;
            return File(buffer, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        }

        Response.ContentType = "text/csv; charset=utf-8";
        var dialect = CsvDialect.Choose(csv, CultureInfo.CurrentUICulture);
        await using (var writer = new StreamWriter(Response.Body, dialect.Encoding, 64 * 1024, leaveOpen: true))
        {
            var rowWriter = new CsvRowWriter(writer, dialect);
            await rowWriter.WriteRowAsync(header);
            await foreach (var c in rows.WithCancellation(ct))
            {
                count++;
                await rowWriter.WriteRowAsync(Cells(contacts.View(c, scope)));
            }
        }

        await audit.WriteAsync(AuditActions.Export, "contact", null, $"csv;{filter.Describe(kind)};rows={count}", ct);
        return new EmptyResult();
    }

    private static string?[] Cells(ContactView v) =>
    [
        v.Id.ToString(), v.Phone, v.FirstName, v.LastName, v.Email, v.City, v.Gender,
        v.BirthDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), string.Join("|", v.Tags), v.SourceChannel, v.SourceDetail,
        v.OwnerId?.ToString(), v.Status, v.TimeZone,
        v.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        v.UpdatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        v.MiddleName, string.Join(", ", v.OtherPhones),
    ];

    private async Task<CardModel> CardModelAsync(ContactView view, ContactForm form, IReadOnlyDictionary<string, string> errors,
        ContactScope scope, string? tab, CancellationToken ct)
    {
        var canWrite = User.Has(Permission.ContactsWrite) && !view.Masked;
        ConsentTab? consents = null;
        if (tab == "consents" && User.Has(Permission.ConsentRead))
        {
            consents = new ConsentTab(await ledger.StatesAsync(view.Id, ct),
                ConsentHistoryItem.From(await ledger.HistoryAsync(view.Id, ct), clock.GetUtcNow()), User.Has(Permission.ConsentWrite),
                clock.GetUtcNow());
            await audit.WriteAsync(AuditActions.Read, "consent", view.Id.ToString(), $"card tab; records={consents.History.Count}", ct);
        }

        IReadOnlyList<TimelineEvent>? events = null;
        if (tab == "orders")
        {
            events = await timeline.TimelineAsync(view.Id, TimelineSize, ct);
            await audit.WriteAsync(AuditActions.Read, "contact_events", view.Id.ToString(), $"card tab; rows={events.Count}", ct);
        }

        return new CardModel(view, form, errors, await contacts.NotesAsync(view.Id, scope, ct), await contacts.OwnersAsync(ct), canWrite,
            canWrite && scope.OwnerOnly is null, tab, consents, events);
    }

    internal Guid? CurrentUserId => Guid.TryParse(User.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;
}
