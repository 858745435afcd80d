using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Requests;

/// <summary>What a call on a request came to: the request, or why not (unknown → 404, invalid input → 400, a move the lifecycle forbids → 409).</summary>
public sealed record RequestResult(SubjectRequest? Request, ValidationErrors Errors, RequestConflict? Conflict)
{
    public bool NotFound => Request is null && Errors.IsValid && Conflict is null;

    public static RequestResult Ok(SubjectRequest request) => new(request, new ValidationErrors(), null);
    public static RequestResult Missing { get; } = new(null, new ValidationErrors(), null);
    public static RequestResult Invalid(ValidationErrors errors) => new(null, errors, null);
    public static RequestResult Refused(RequestConflict conflict) => new(null, new ValidationErrors(), conflict);
}

/// <summary>
/// Data-subject requests (PRODUCT.md §2.7, api-v1 "Data-subject requests"): intake with a per-tenant-and-year number and
/// the legal due date, reading (decrypted and audited), the queue, and the lifecycle moves with their notices to the
/// person. What execution does per type is <see cref="RequestExecution"/>.
/// </summary>
public sealed class SubjectRequests(
    PhoneCrmDbContext db,
    PiiProtector protector,
    BlindIndex index,
    ContactService contacts,
    WorkingCalendars calendars,
    SendingSettingsService sendingSettings,
    RequestNotices notices,
    RequestExecution execution,
    AuditLog audit,
    AuditActor actor,
    TimeProvider clock)
{
    public const string PhoneContext = "subject_request.phone";
    public const string FullNameContext = "subject_request.full_name";
    public const string EmailContext = "subject_request.email";
    public const string ReportContext = "subject_request.report";
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    public const string EntityType = "subject_request";

    /// <summary>The person as the intake knows them; the phone already normalised.</summary>
    public sealed record Person(string? E164, string? FullName, string? Email);

    public async Task<RequestResult> CreateAsync(SubjectRequestInput? input, CancellationToken ct = default)
    {
        if (input is null) return RequestResult.Invalid(ValidationErrors.Of("body", "A JSON body is required."));
        var region = await contacts.DefaultRegionAsync(ct);
        var now = clock.GetUtcNow();
        var errors = new SubjectRequestInputValidator(region, now).Check(input);
        if (!errors.IsValid) return RequestResult.Invalid(errors);

        var e164 = string.IsNullOrWhiteSpace(input.Phone) ? null : PhoneParser.Parse(input.Phone, region).Phone!.E164;
        var person = new Person(e164, Blank(input.FullName), Blank(input.Email));
        var request = await IntakeAsync(input.Type!, input.Channel!, (input.ReceivedAt ?? now).ToUniversalTime(), person, ct);
        return RequestResult.Ok(request);
    }

    /// <summary>
    /// Records the request (numbered in the same transaction, so a failed insert leaves no gap), audits it and sends the
    /// acknowledgement. <paramref name="verifiedBySmsCode"/>: the self-service page has already proven the number.
    /// </summary>
    public async Task<SubjectRequest> IntakeAsync(string type, string channel, DateTimeOffset receivedAt, Person person, CancellationToken ct,
        bool verifiedBySmsCode = false)
    {
        var now = clock.GetUtcNow();
        var (zone, calendar) = await ClockAsync(ct);
        var promised = (await db.SubjectRequestSettings.AsNoTracking().SingleOrDefaultAsync(ct))?.PromisedDays(type);
        var phoneIndex = person.E164 is null ? null : (await index.ForTenantAsync(db, ct)).Phone(person.E164);
        var request = new SubjectRequest
        {
            Number = "", Type = type, Channel = channel, ReceivedAt = receivedAt,
            DueAt = RequestDeadlines.DueAt(type, receivedAt, zone, calendar, promised),
            PhoneCipher = protector.Encrypt(person.E164, db.Tenant.RequireTenant(), PhoneContext), PhoneIndex = phoneIndex,
            FullNameCipher = protector.Encrypt(person.FullName, db.Tenant.RequireTenant(), FullNameContext), EmailCipher = protector.Encrypt(person.Email, db.Tenant.RequireTenant(), EmailContext),
            ContactId = await FindContactAsync(phoneIndex, person.Email, ct),
            TakenByUserId = actor.UserId, TakenBy = actor.Name, CreatedAt = now, UpdatedAt = now,
        };
        if (verifiedBySmsCode) request.Verify(VerificationMethods.SmsCode, "Number proven on the self-service page.", now);

        var year = TimeZoneInfo.ConvertTime(receivedAt, zone).Year;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            request.Number = SubjectRequest.FormatNumber(year, await NextNumberAsync(year, ct));
            db.SubjectRequests.Add(request);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        await audit.WriteAsync(AuditActions.Create, EntityType, request.Id.ToString(), $"{request.Number} {type} via {channel}", ct);
        await notices.SendAsync(request, NoticeKinds.Acknowledgement,
            NoticeTexts.Acknowledgement(await notices.OperatorNameAsync(ct), request, zone), person.E164, ct);
        return request;
    }

    /// <summary>
    /// The next number of the tenant's year: one <c>INSERT … ON CONFLICT DO UPDATE … RETURNING</c> on the counter row, which
    /// stays locked until the caller's transaction ends, so concurrent intakes get consecutive numbers and never the same.
    /// </summary>
    private async Task<long> NextNumberAsync(int year, CancellationToken ct)
    {
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        var next = await Sql.ScalarAsync(conn, """
            INSERT INTO subject_request_counters (tenant_id, year, last_number) VALUES (@t, @y, 1)
            ON CONFLICT (tenant_id, year) DO UPDATE SET last_number = subject_request_counters.last_number + 1
            RETURNING last_number
            """, ct, Sql.P("t", db.Tenant.RequireTenant()), Sql.P("y", year));
        return (long)next!;
    }

    private async Task<Guid?> FindContactAsync(byte[]? phoneIndex, string? email, CancellationToken ct)
    {
        if (phoneIndex is not null)
        {
            var byPhone = await db.Contacts.AsNoTracking().Where(c => c.PhoneIndex == phoneIndex).Select(c => (Guid?)c.Id).SingleOrDefaultAsync(ct);
            if (byPhone is not null) return byPhone;
        }

        if (email is null) return null;
        var byEmail = await contacts.FindByEmailAsync(email, ContactScope.Full, ct);
        return byEmail.Count == 1 ? byEmail[0].Id : null; // two contacts share the email: staff decide, the request names none
    }

    /// <summary>One request with the person's data and its notices; the read is audited.</summary>
    public async Task<SubjectRequestDto?> GetAsync(Guid id, CancellationToken ct = default)
    {
        var request = await db.SubjectRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (request is null) return null;
        await audit.WriteAsync(AuditActions.Read, EntityType, request.Id.ToString(), request.Number, ct);
        return ToDto(request, await notices.ForAsync(id, ct), withReport: true);
    }

    /// <summary>
    /// The queue, by due date (the overdue come first) and number; keyset-paged. Invalid filters are 400s naming the field.
    /// The page's reads of personal data are audited.
    /// </summary>
    public async Task<(SubjectRequestPage? Page, ValidationErrors Errors)> ListAsync(SubjectRequestFilter filter, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        if (filter.Status is { } s && !SubjectRequestStatuses.All.Contains(s))
            errors.Add("status", "Status must be one of: " + string.Join(", ", SubjectRequestStatuses.All) + ".");
        if (filter.Type is { } t && !SubjectRequestTypes.All.Contains(t))
            errors.Add("type", "Type must be one of: " + string.Join(", ", SubjectRequestTypes.All) + ".");
        if (filter.Limit is < 1 or > MaxPageSize) errors.Add("limit", $"Limit must be between 1 and {MaxPageSize}.");
        var after = ParseCursor(filter.Cursor);
        if (filter.Cursor is not null && after is null) errors.Add("cursor", "The cursor is not one this list gave.");
        if (!errors.IsValid) return (null, errors);

        var now = clock.GetUtcNow();
        var query = Filtered(filter, now);
        if (after is { } c) query = query.Where(r => r.DueAt > c.DueAt || (r.DueAt == c.DueAt && string.Compare(r.Number, c.Number) > 0));
        var limit = filter.Limit ?? DefaultPageSize;
        var rows = await query.OrderBy(r => r.DueAt).ThenBy(r => r.Number).Take(limit + 1).ToListAsync(ct);
        var next = rows.Count > limit ? Cursor(rows[limit - 1]) : null;
        rows = rows.Take(limit).ToList();
        if (rows.Count > 0) await audit.WriteAsync(AuditActions.Read, EntityType, string.Join(',', rows.Select(r => r.Id)), "list", ct);
        return (new SubjectRequestPage([.. rows.Select(r => ToDto(r, null, withReport: false))], next), errors);
    }

    /// <summary>The figures that must not be missed: open requests past their due date, and those due within a day.</summary>
    public async Task<(int Overdue, int DueSoon)> CountsAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var soon = now.AddDays(1);
        var open = db.SubjectRequests.AsNoTracking().Where(r => r.Status == SubjectRequestStatuses.Received || r.Status == SubjectRequestStatuses.Verified);
        return (await open.CountAsync(r => r.DueAt < now, ct), await open.CountAsync(r => r.DueAt >= now && r.DueAt < soon, ct));
    }

    /// <summary>
    /// What the dashboard must not let anyone miss: open requests overdue or due within a day, most urgent first, with when
    /// the deadlines job first marked them. Numbers and dates only, no personal data.
    /// </summary>
    public async Task<IReadOnlyList<RequestAttention>> AttentionAsync(int max, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var soon = now.AddDays(1);
        var rows = await db.SubjectRequests.AsNoTracking()
            .Where(r => (r.Status == SubjectRequestStatuses.Received || r.Status == SubjectRequestStatuses.Verified) && r.DueAt < soon)
            .OrderBy(r => r.DueAt).Take(max)
            .Select(r => new { r.Id, r.Number, r.Type, r.DueAt, r.OverdueMarkedAt, r.DueSoonMarkedAt }).ToListAsync(ct);
        return [.. rows.Select(r => new RequestAttention(r.Id, r.Number, r.Type, r.DueAt, r.DueAt < now, r.DueAt < now ? r.OverdueMarkedAt : r.DueSoonMarkedAt))];
    }

    /// <summary>The tenant's promised answer terms (null: the legal term).</summary>
    public async Task<SubjectRequestSettings> SettingsAsync(CancellationToken ct = default) =>
        await db.SubjectRequestSettings.AsNoTracking().SingleOrDefaultAsync(ct) ?? new SubjectRequestSettings();

    /// <summary>
    /// Saves the terms the tenant promises, each at most the legal term (a longer promise is refused: the law's term is the
    /// limit); applies to requests received from now on.
    /// </summary>
    public async Task<ValidationErrors> SaveSettingsAsync(int? accessDays, int? rectifyDays, int? erasureDays, int? withdrawAllDays,
        CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        foreach (var (field, type, days) in new[] { ("accessDays", SubjectRequestTypes.Access, accessDays), ("rectifyDays", SubjectRequestTypes.Rectify, rectifyDays),
                     ("erasureDays", SubjectRequestTypes.Erasure, erasureDays), ("withdrawAllDays", SubjectRequestTypes.WithdrawAll, withdrawAllDays) })
        {
            var legal = RequestDeadlines.LegalTerm(type).Days;
            if (days is { } d && (d < 1 || d > legal)) errors.Add(field, $"Between 1 and {legal} days (the legal term), or empty for the legal term.");
        }

        if (!errors.IsValid) return errors;
        var row = await db.SubjectRequestSettings.SingleOrDefaultAsync(ct);
        if (row is null) db.SubjectRequestSettings.Add(row = new SubjectRequestSettings());
        (row.AccessDays, row.RectifyDays, row.ErasureDays, row.WithdrawAllDays, row.UpdatedAt) =
            (accessDays, rectifyDays, erasureDays, withdrawAllDays, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditActions.Update, "subject_request_settings", null,
            $"access={accessDays};rectify={rectifyDays};erasure={erasureDays};withdraw_all={withdrawAllDays}", ct);
        return errors;
    }

    /// <summary>The active members whose roles may handle requests: whom a request can be assigned to.</summary>
    public async Task<IReadOnlyList<RequestHandler>> HandlersAsync(CancellationToken ct = default)
    {
        var rows = await (from m in db.Memberships.AsNoTracking()
                          join u in db.Users.AsNoTracking() on m.UserId equals u.Id
                          where m.IsActive
                          orderby u.Email
                          select new { m.Roles, u.Id, u.Email }).ToListAsync(ct);
        return [.. rows.Where(r => RolePermissions.AllowsAny(r.Roles, Permission.RequestsManage)).Select(r => new RequestHandler(r.Id, r.Email!))];
    }

    public async Task<RequestResult> VerifyAsync(Guid id, VerifyInput? input, CancellationToken ct = default)
    {
        var errors = VerifyInputValidator.Instance.Check(input ?? new VerifyInput());
        if (!errors.IsValid) return RequestResult.Invalid(errors);
        return await MoveAsync(id, r => r.Verify(input!.Method!, Blank(input.Note), clock.GetUtcNow()), $"verified: {input!.Method}", ct);
    }

    public async Task<RequestResult> RejectAsync(Guid id, ReasonInput? input, CancellationToken ct = default)
    {
        var errors = ReasonRules.Required("reason", input?.Reason, "Give the reason the person will be told.");
        if (!errors.IsValid) return RequestResult.Invalid(errors);
        var result = await MoveAsync(id, r => r.Reject(input!.Reason!.Trim(), clock.GetUtcNow()), "rejected", ct);
        if (result.Request is { } rejected)
            await NotifyAsync(rejected, NoticeKinds.Final, NoticeTexts.Rejected(await notices.OperatorNameAsync(ct), rejected), ct);
        return result;
    }

    /// <summary>Access only, once: 5 more working days, and the person is told why.</summary>
    public async Task<RequestResult> ExtendAsync(Guid id, ReasonInput? input, CancellationToken ct = default)
    {
        var errors = ReasonRules.Required("reason", input?.Reason, "Give the reason the person will be told.");
        if (!errors.IsValid) return RequestResult.Invalid(errors);
        var (zone, calendar) = await ClockAsync(ct);
        var result = await MoveAsync(id, r => r.Extend(input!.Reason!.Trim(), RequestDeadlines.ExtendedDueAt(r.DueAt, zone, calendar), clock.GetUtcNow()),
            "extended", ct);
        if (result.Request is { } extended)
            await NotifyAsync(extended, NoticeKinds.Extension, NoticeTexts.Extension(await notices.OperatorNameAsync(ct), extended, zone), ct);
        return result;
    }

    public async Task<RequestResult> AssignAsync(Guid id, Guid? assigneeId, CancellationToken ct = default)
    {
        if (assigneeId is { } a && !await db.Memberships.AnyAsync(m => m.UserId == a && m.IsActive, ct))
            return RequestResult.Invalid(ValidationErrors.Of("assigneeId", "No active user of this tenant has that id."));
        return await MoveAsync(id, r => r.Assign(assigneeId, clock.GetUtcNow()), $"assigned: {assigneeId}", ct);
    }

    /// <summary>Carries out a verified request (see <see cref="RequestExecution"/>), completes it and sends the final notice.</summary>
    public async Task<RequestResult> ExecuteAsync(Guid id, ReasonInput? input, CancellationToken ct = default)
    {
        var request = await db.SubjectRequests.SingleOrDefaultAsync(r => r.Id == id, ct);
        if (request is null) return RequestResult.Missing;
        if (request.CheckExecutable() is { } conflict) return RequestResult.Refused(conflict);
        var e164 = protector.Decrypt(request.PhoneCipher, db.Tenant.RequireTenant(), PhoneContext);

        var note = Blank(input?.Note);
        var refusal = execution.Check(request, note);
        if (!refusal.Errors.IsValid) return RequestResult.Invalid(refusal.Errors);
        if (refusal.Conflict is { } refused) return RequestResult.Refused(refused);

        // The final word goes out before an erasure forgets the number; everything else is told after it is done.
        var operatorName = await notices.OperatorNameAsync(ct);
        if (request.Type == SubjectRequestTypes.Erasure)
            await notices.SendAsync(request, NoticeKinds.Final, NoticeTexts.Completed(operatorName, request), e164, ct);
        var person = new Person(e164, protector.Decrypt(request.FullNameCipher, db.Tenant.RequireTenant(), FullNameContext), protector.Decrypt(request.EmailCipher, db.Tenant.RequireTenant(), EmailContext));
        ExecutionOutcome outcome;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            outcome = await execution.RunAsync(request, person, note, ct);
            if (outcome.Report is { } report) request.ReportCipher = protector.Encrypt(report, db.Tenant.RequireTenant(), ReportContext);
            request.DestructionActId = outcome.DestructionActId;
            request.Complete(outcome.Resolution, clock.GetUtcNow());
            if (request.Type == SubjectRequestTypes.Erasure) request.ForgetPerson();
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        await audit.WriteAsync(AuditActions.Update, EntityType, request.Id.ToString(), $"completed: {outcome.Resolution}", ct);
        if (request.Type != SubjectRequestTypes.Erasure)
            await notices.SendAsync(request, NoticeKinds.Final, NoticeTexts.Completed(operatorName, request, outcome.NothingHeld), e164, ct);
        return RequestResult.Ok(request);
    }

    private async Task<RequestResult> MoveAsync(Guid id, Func<SubjectRequest, RequestConflict?> move, string details, CancellationToken ct)
    {
        var request = await db.SubjectRequests.SingleOrDefaultAsync(r => r.Id == id, ct);
        if (request is null) return RequestResult.Missing;
        if (move(request) is { } conflict) return RequestResult.Refused(conflict);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditActions.Update, EntityType, request.Id.ToString(), details, ct);
        return RequestResult.Ok(request);
    }

    private async Task NotifyAsync(SubjectRequest request, string kind, string text, CancellationToken ct) =>
        await notices.SendAsync(request, kind, text, protector.Decrypt(request.PhoneCipher, db.Tenant.RequireTenant(), PhoneContext), ct);

    /// <summary>The tenant's zone (its sending settings, as every page shows time) and its working-day calendar.</summary>
    public async Task<(TimeZoneInfo Zone, WorkingDayCalendar Calendar)> ClockAsync(CancellationToken ct)
    {
        var id = (await sendingSettings.GetAsync(ct)).TimeZone;
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(id, out var z) ? z : TimeZoneInfo.Utc;
        return (zone, await calendars.LoadAsync(ct));
    }

    private IQueryable<SubjectRequest> Filtered(SubjectRequestFilter filter, DateTimeOffset now)
    {
        var query = db.SubjectRequests.AsNoTracking();
        if (filter.Status is { } status) query = query.Where(r => r.Status == status);
        if (filter.Open == true) query = query.Where(r => r.Status == SubjectRequestStatuses.Received || r.Status == SubjectRequestStatuses.Verified);
        if (filter.Type is { } type) query = query.Where(r => r.Type == type);
        if (filter.Assignee is { } assignee) query = query.Where(r => r.AssigneeId == assignee);
        if (filter.Overdue == true)
            query = query.Where(r => (r.Status == SubjectRequestStatuses.Received || r.Status == SubjectRequestStatuses.Verified) && r.DueAt < now);
        return query;
    }

    private SubjectRequestDto ToDto(SubjectRequest r, IReadOnlyList<SubjectRequestNotice>? notes, bool withReport)
    {
        var report = withReport && protector.Decrypt(r.ReportCipher, db.Tenant.RequireTenant(), ReportContext) is { } json ? JsonSerializer.Deserialize<JsonElement>(json) : (JsonElement?)null;
        return new SubjectRequestDto(r.Id, r.Number, r.Type, r.Channel, r.Status, r.ReceivedAt, r.DueAt, r.IsOverdue(clock.GetUtcNow()),
            r.ExtendedAt, r.ExtensionReason, protector.Decrypt(r.PhoneCipher, db.Tenant.RequireTenant(), PhoneContext), protector.Decrypt(r.FullNameCipher, db.Tenant.RequireTenant(), FullNameContext),
            protector.Decrypt(r.EmailCipher, db.Tenant.RequireTenant(), EmailContext), r.ContactId, r.TakenBy, r.AssigneeId,
            r.VerificationMethod is { } m ? new VerificationDto(m, r.VerificationNote, r.VerifiedAt!.Value) : null,
            r.CompletedAt, r.Resolution, r.RejectedAt, r.RejectionReason, r.DestructionActId, report,
            notes?.Select(n => new NoticeDto(n.Kind, n.Channel, n.Delivery, n.Text, n.SmsMessageId, n.CreatedAt)).ToList());
    }

    private static string Cursor(SubjectRequest r) =>
        string.Create(CultureInfo.InvariantCulture, $"{r.DueAt.UtcTicks}_{r.Number}");

    private static (DateTimeOffset DueAt, string Number)? ParseCursor(string? cursor)
    {
        var parts = cursor?.Split('_');
        return parts is [var ticks, var number] && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
            && t is > 0 and < 3155378975999999999 && number.Length <= 16
            ? (new DateTimeOffset(t, TimeSpan.Zero), number)
            : null;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
