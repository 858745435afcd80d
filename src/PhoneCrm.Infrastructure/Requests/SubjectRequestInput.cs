using System.Text.Json;
using FluentValidation;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Infrastructure.Requests;

/// <summary>The body of <c>POST /api/v1/subject-requests</c> and of the staff intake form.</summary>
public sealed class SubjectRequestInput
{
    public string? Type { get; set; }
    public string? Phone { get; set; }
    public string? FullName { get; set; }
    public string? Email { get; set; }
    public string? Channel { get; set; }
    /// <summary>When the person made the request; null = now. A letter read days later keeps its day of receipt.</summary>
    public DateTimeOffset? ReceivedAt { get; set; }
}

/// <summary>
/// Keys <c>type</c>, <c>channel</c>, <c>phone</c>, <c>email</c>, <c>fullName</c>, <c>receivedAt</c>. The person must be
/// findable: a phone or an email. <paramref name="Region"/> reads a phone without a country code; <paramref name="Now"/>
/// bounds <c>receivedAt</c>.
/// </summary>
public sealed class SubjectRequestInputValidator : InputValidator<SubjectRequestInput>
{
    public const string NotAPhone = "This is not a phone number. Example: +7 (916) 123-45-67.";
    private static readonly TimeSpan _clockSkew = TimeSpan.FromMinutes(5);

    public SubjectRequestInputValidator(string region, DateTimeOffset now)
    {
        Field(x => x.Type, "type").Must(t => SubjectRequestTypes.All.Contains(t ?? ""))
            .WithMessage("Type must be one of: " + string.Join(", ", SubjectRequestTypes.All) + ".");
        Field(x => x.Channel, "channel").Must(c => SubjectRequestChannels.All.Contains(c ?? ""))
            .WithMessage("Channel must be one of: " + string.Join(", ", SubjectRequestChannels.All) + ".");
        Field(x => x.Phone, "phone")
            .Must((x, p) => !string.IsNullOrWhiteSpace(p) || !string.IsNullOrWhiteSpace(x.Email))
            .WithMessage("A phone or an email is required to find the person.")
            .Must(p => string.IsNullOrWhiteSpace(p) || (p.Length <= PhoneParser.MaxInputLength && PhoneParser.TryParse(p, out _, region)))
            .WithMessage(NotAPhone);
        Field(x => x.Email, "email").Must(e => string.IsNullOrWhiteSpace(e) || ContactFields.IsEmail(e.Trim()))
            .WithMessage(ContactFields.EmailMessage);
        Field(x => x.FullName, "fullName").MaxTrimmed(SubjectRequest.FullNameMax).NoControlCharacters();
        Field(x => x.ReceivedAt, "receivedAt")
            .Must(at => at is not { } t || t <= now + _clockSkew).WithMessage("The time of receipt cannot be in the future.")
            .Must(at => at is not { } t || t.Year >= 2000).WithMessage("The time of receipt is not plausible.");
    }
}

/// <summary><c>POST /{id}/verify</c>.</summary>
public sealed class VerifyInput
{
    public string? Method { get; set; }
    public string? Note { get; set; }
}

public sealed class VerifyInputValidator : InputValidator<VerifyInput>
{
    public static VerifyInputValidator Instance { get; } = new();

    private VerifyInputValidator()
    {
        Field(x => x.Method, "method").Must(m => VerificationMethods.All.Contains(m ?? ""))
            .WithMessage("Method must be one of: " + string.Join(", ", VerificationMethods.All) + ".");
        Field(x => x.Note, "note").MaxTrimmed(SubjectRequest.NoteMax).NoControlCharacters();
    }
}

/// <summary>A reason or a note: <c>reject</c>'s reason, <c>extend</c>'s reason (both required), <c>execute</c>'s note.</summary>
public sealed class ReasonInput
{
    public string? Reason { get; set; }
    public string? Note { get; set; }
}

public static class ReasonRules
{
    /// <summary>A required text of at most <see cref="SubjectRequest.NoteMax"/> characters.</summary>
    public static ValidationErrors Required(string field, string? text, string missing)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(text)) errors.Add(field, missing);
        else if (text.Trim().Length > SubjectRequest.NoteMax) errors.Add(field, $"At most {SubjectRequest.NoteMax} characters.");
        return errors;
    }
}

/// <summary>The wire shape of a request (api-v1 "Data-subject requests"); instants in UTC.</summary>
public sealed record SubjectRequestDto(
    Guid Id,
    string Number,
    string Type,
    string Channel,
    string Status,
    DateTimeOffset ReceivedAt,
    DateTimeOffset DueAt,
    bool Overdue,
    DateTimeOffset? ExtendedAt,
    string? ExtensionReason,
    string? Phone,
    string? FullName,
    string? Email,
    Guid? ContactId,
    string TakenBy,
    Guid? AssigneeId,
    VerificationDto? Verification,
    DateTimeOffset? CompletedAt,
    string? Resolution,
    DateTimeOffset? RejectedAt,
    string? RejectionReason,
    Guid? DestructionActId,
    JsonElement? Report,
    IReadOnlyList<NoticeDto>? Notices);

public sealed record VerificationDto(string Method, string? Note, DateTimeOffset VerifiedAt);

public sealed record NoticeDto(string Kind, string Channel, string Delivery, string Text, Guid? SmsMessageId, DateTimeOffset CreatedAt);

/// <summary>The 201 of intake, exactly as api-v1 writes it.</summary>
public sealed record CreatedRequestDto(Guid Id, string Number, string Type, string Status, DateTimeOffset DueAt);

public sealed record SubjectRequestPage(IReadOnlyList<SubjectRequestDto> Items, string? NextCursor);

/// <summary>Query of the list: <c>status</c>, <c>overdue=true</c>, <c>open=true</c> (received or verified), <c>type</c>,
/// <c>assignee</c>, <c>cursor</c>, <c>limit</c>.</summary>
public sealed class SubjectRequestFilter
{
    public string? Status { get; set; }
    public bool? Open { get; set; }
    public bool? Overdue { get; set; }
    public string? Type { get; set; }
    public Guid? Assignee { get; set; }
    public string? Cursor { get; set; }
    public int? Limit { get; set; }
}

/// <summary>A member who may handle requests, for the assignee choice.</summary>
public sealed record RequestHandler(Guid UserId, string Email);

/// <summary>An open request the dashboard shows: overdue, or due within a day; <paramref name="MarkedAt"/> is when the deadlines job recorded it.</summary>
public sealed record RequestAttention(Guid Id, string Number, string Type, DateTimeOffset DueAt, bool Overdue, DateTimeOffset? MarkedAt);
