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
/// base does not know gets the report that nothing is held); <c>erasure</c> erases the contact, or the bare number when the
/// base holds no contact (<see cref="ContactErasure"/>: tombstone and act of destruction), and every request and
/// self-service challenge about the person forgets them. Runs inside the caller's transaction, so the request is completed
/// together with what it did.
/// </summary>
public sealed class RequestExecution(PhoneCrmDbContext db, ConsentLedger ledger, AccessReports reports, ContactErasure erasure, TimeProvider clock)
{
    public ExecutionRefusal Check(SubjectRequest request, string? note) => request.Type switch
    {
        SubjectRequestTypes.Rectify when note is null =>
            new(ValidationErrors.Of("note", "Say what was corrected: the note is the record of the rectification."), null),
        _ when note is { Length: > SubjectRequest.NoteMax } => new(ValidationErrors.Of("note", $"At most {SubjectRequest.NoteMax} characters."), null),
        _ => ExecutionRefusal.None,
    };

    /// <param name="person">The person as the request names them (decrypted by the caller): the erasure of a number the base does not hold needs them.</param>
    public async Task<ExecutionOutcome> RunAsync(SubjectRequest request, SubjectRequests.Person person, string? note, CancellationToken ct)
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
            SubjectRequestTypes.Erasure => await EraseAsync(request, person, note, ct),
            _ => throw new InvalidOperationException($"{request.Type} is refused by Check."),
        };
    }

    private async Task<ExecutionOutcome> EraseAsync(SubjectRequest request, SubjectRequests.Person person, string? note, CancellationToken ct)
    {
        Guid? act = request.ContactId is { } contactId
            ? await erasure.EraseAsync(contactId, DestructionReason.SubjectRequest, request.Id, ct)
            : person.E164 is { } e164 ? await erasure.EraseNumberAsync(e164, person.FullName, DestructionReason.SubjectRequest, request.Id, ct) : null;

        // The requests (this one included, by the caller) and the codes about the person keep their numbers and dates only.
        var phoneIndex = request.PhoneIndex;
        var contact = request.ContactId;
        await db.SubjectRequests
            .Where(r => r.Id != request.Id && ((phoneIndex != null && r.PhoneIndex == phoneIndex) || (contact != null && r.ContactId == contact)))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.PhoneCipher, (byte[]?)null).SetProperty(r => r.PhoneIndex, (byte[]?)null)
                .SetProperty(r => r.FullNameCipher, (byte[]?)null).SetProperty(r => r.EmailCipher, (byte[]?)null)
                .SetProperty(r => r.ReportCipher, (byte[]?)null), ct);
        if (phoneIndex is not null)
            await db.SubjectRequestChallenges.Where(c => c.PhoneIndex == phoneIndex)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.PhoneCipher, (byte[]?)null).SetProperty(c => c.FullNameCipher, (byte[]?)null)
                    .SetProperty(c => c.EmailCipher, (byte[]?)null), ct);

        var resolution = act is null ? "Nothing was held about the person and no number was given: nothing to destroy." : "The person's data was destroyed.";
        return new ExecutionOutcome(note is null ? resolution : $"{resolution} {note}", DestructionActId: act);
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
