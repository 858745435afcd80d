using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Requests;

/// <summary>What executing a request refused before doing anything (400 for a missing note, 409 for a type not executable).</summary>
public sealed record ExecutionRefusal(ValidationErrors Errors, RequestConflict? Conflict)
{
    public static ExecutionRefusal None { get; } = new(new ValidationErrors(), null);
}

/// <summary>What was done: the resolution recorded on the request, the access report (JSON), the erasure's act.</summary>
public sealed record ExecutionOutcome(string Resolution, string? Report = null, Guid? DestructionActId = null, bool NothingHeld = false);

/// <summary>
/// Carries out a verified request by its type: <c>withdraw_all</c> withdraws every active consent of the person through
/// the consent ledger (evidence: the request's number); <c>rectify</c> records the staff's note of what was corrected
/// (the correction itself is made on the card); <c>access</c> builds the report (<see cref="AccessReports"/>; a person the
/// base does not know gets the report that nothing is held); <c>erasure</c> calls the erasure service.
/// </summary>
public sealed class RequestExecution(PhoneCrmDbContext db, ConsentLedger ledger, AccessReports reports, TimeProvider clock)
{
    public static string NotAvailableYet(string type) =>
        $"Executing {type} requests is not available yet: answer the person by hand, or wait for the next release.";

    public ExecutionRefusal Check(SubjectRequest request, string? note) => request.Type switch
    {
        SubjectRequestTypes.Rectify when note is null =>
            new(ValidationErrors.Of("note", "Say what was corrected: the note is the record of the rectification."), null),
        SubjectRequestTypes.Erasure =>
            new(new ValidationErrors(), new RequestConflict(NotAvailableYet(request.Type))),
        _ when note is { Length: > SubjectRequest.NoteMax } => new(ValidationErrors.Of("note", $"At most {SubjectRequest.NoteMax} characters."), null),
        _ => ExecutionRefusal.None,
    };

    public async Task<ExecutionOutcome> RunAsync(SubjectRequest request, string? note, CancellationToken ct)
    {
        // The person may have become a contact since the intake (a form, an import): look again by the number.
        request.ContactId ??= request.PhoneIndex is { } phoneIndex
            ? await db.Contacts.AsNoTracking().Where(c => c.PhoneIndex == phoneIndex).Select(c => (Guid?)c.Id).SingleOrDefaultAsync(ct)
            : null;
        return request.Type switch
        {
            SubjectRequestTypes.WithdrawAll => await WithdrawAllAsync(request, note, ct),
            SubjectRequestTypes.Rectify => new ExecutionOutcome(note!),
            SubjectRequestTypes.Access => await AccessAsync(request, note, ct),
            _ => throw new InvalidOperationException($"{request.Type} is refused by Check."),
        };
    }

    private async Task<ExecutionOutcome> AccessAsync(SubjectRequest request, string? note, CancellationToken ct)
    {
        var report = request.ContactId is { } contactId ? await reports.BuildAsync(contactId, ct) : AccessReport.NothingHeld(clock.GetUtcNow());
        var resolution = report.Held ? "The report of the data held was prepared." : "Nothing is held about the person.";
        return new ExecutionOutcome(note is null ? resolution : $"{resolution} {note}", JsonSerializer.Serialize(report, JsonSerializerOptions.Web),
            NothingHeld: !report.Held);
    }

    private async Task<ExecutionOutcome> WithdrawAllAsync(SubjectRequest request, string? note, CancellationToken ct)
    {
        var withdrawn = 0;
        if (request.ContactId is { } contactId)
        {
            var result = await ledger.WithdrawAsync(contactId, null, null,
                new ConsentEvidence("subject_request", PaperReference: $"subject request {request.Number}"), ct);
            if (!result.IsValid) throw new InvalidOperationException($"The ledger refused the withdrawal: {result.Errors}");
            withdrawn = result.Withdrawn;
        }

        var resolution = withdrawn == 0 ? "No active consent was held." : $"{withdrawn} consent(s) withdrawn.";
        return new ExecutionOutcome(note is null ? resolution : $"{resolution} {note}");
    }
}
