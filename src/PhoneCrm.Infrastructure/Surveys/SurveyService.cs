using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Events;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Surveys;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Events;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Segments;

namespace PhoneCrm.Infrastructure.Surveys;

/// <summary>A survey as asked for (api-v1 <c>POST /api/v1/surveys</c>).</summary>
public sealed class SurveyInput
{
    public string? Name { get; set; }
    public Guid? SegmentId { get; set; }
    public JsonElement? Script { get; set; }
    public string? RewardCode { get; set; }
}

/// <summary>One call's result (api-v1 <c>POST /api/v1/surveys/{id}/responses</c>); <see cref="CallbackAt"/> is an extension for <c>callback</c>.</summary>
public sealed class ResponseInput
{
    public Guid? ContactId { get; set; }
    public string? Outcome { get; set; }
    public bool RecordingConsent { get; set; }
    public Dictionary<string, JsonElement>? Answers { get; set; }
    public DateTimeOffset? CallbackAt { get; set; }
}

public sealed record SurveyResult(Survey? Survey, ValidationErrors Errors);

public sealed record ResponseResult(SurveyResponse? Response, QualityItem? Quality, ValidationErrors Errors);

public enum StartOutcome { Started, NotFound }

/// <summary>What the operator console shows for one call: the contact to dial, the script, the reward.</summary>
public sealed record ConsoleCall(Survey Survey, SurveyScript Script, ContactView Contact, int Attempts, int Waiting);

/// <summary>
/// Phone surveys (api-v1 "Surveys", PRODUCT.md §2.9): scripts, the call queue built under the one send policy (purpose
/// <c>surveys</c>, channel <c>voice</c>: consent, suppression, caps and quiet hours in the contact's own zone), the operator
/// console's next call (the policy is asked again when a call is taken — a contact deferred is not rung at night), the
/// answers and outcomes, and the quality queue of unhappy respondents.
/// </summary>
public sealed class SurveyService(
    PhoneCrmDbContext db,
    SegmentService segments,
    SendPolicyService policy,
    ContactService contacts,
    EventService events,
    AuditLog audit,
    AuditActor actor,
    TimeProvider clock)
{
    public const string AuditEntity = "survey";
    public const string ResponseAuditEntity = "survey_response";
    public const string Kind = "survey_call";
    public const string VoiceChannel = "voice";

    /// <summary>After an unanswered call the contact comes back to the queue this much later, at most <see cref="MaxAttempts"/> times.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromHours(2);
    public const int MaxAttempts = 3;

    /// <summary>The send policy's view of a survey call: informational (within the caps), by voice, under the <c>surveys</c> consent.</summary>
    public static SendIntent Intent { get; } = new(ConsentTerms.Surveys, SmsCategories.Informational, Kind) { ConsentChannel = VoiceChannel };

    /// <summary>Creates a draft survey; its author (the signed-in user) owns the quality follow-ups.</summary>
    public async Task<SurveyResult> CreateAsync(SurveyInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new ValidationErrors();
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200) errors.Add("name", "A name of at most 200 characters is required.");
        if (input.SegmentId is not { } sid || await segments.GetAsync(sid, ct) is null) errors.Add("segmentId", "An existing segment is required.");
        var script = SurveyScript.Parse(input.Script, errors);
        var reward = string.IsNullOrWhiteSpace(input.RewardCode) ? null : input.RewardCode.Trim();
        if (reward is { Length: > 64 }) errors.Add("rewardCode", "A promo code of at most 64 characters.");
        if (!errors.IsValid) return new SurveyResult(null, errors);

        var survey = new Survey
        {
            Name = name!, SegmentId = input.SegmentId!.Value, Script = script!.ToJson(), RewardCode = reward, OwnerId = actor.UserId, CreatedAt = clock.GetUtcNow(),
        };
        db.Surveys.Add(survey);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditActions.Create, AuditEntity, survey.Id.ToString(), null, ct);
        return new SurveyResult(survey, errors);
    }

    public Task<Survey?> GetAsync(Guid id, CancellationToken ct = default) => db.Surveys.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);

    public Task<List<Survey>> ListAsync(CancellationToken ct = default) => db.Surveys.AsNoTracking().OrderByDescending(s => s.CreatedAt).ToListAsync(ct);

    /// <summary>The saved segments a survey can target, by name.</summary>
    public async Task<IReadOnlyList<Domain.Segments.Segment>> SegmentsAsync(CancellationToken ct = default) =>
        (await segments.ListAsync(ct)).OrderBy(s => s.Name, StringComparer.CurrentCulture).ToList();

    /// <summary>
    /// Builds the call queue once: the segment's members in order of creation, each decided by the send policy — callable
    /// now, deferred to the next window in the contact's zone, or skipped with the policy's reason. Starting a running
    /// survey again changes nothing.
    /// </summary>
    public async Task<StartOutcome> StartAsync(Guid id, CancellationToken ct = default)
    {
        var survey = await db.Surveys.SingleOrDefaultAsync(s => s.Id == id, ct);
        if (survey is null) return StartOutcome.NotFound;
        if (survey.Status == SurveyStatuses.Running) return StartOutcome.Started;

        var ids = await segments.ReadMembersAsync(survey.SegmentId,
            "SELECT c.id FROM members m JOIN contacts c ON c.tenant_id = @tenant AND c.id = m.id ORDER BY c.created_at, c.id",
            [], r => r.GetGuid(0), ct) ?? [];
        var decisions = await policy.DecideAsync(Intent, ids, null, ct);
        var now = clock.GetUtcNow();
        for (var i = 0; i < ids.Count; i++)
        {
            if (!decisions.TryGetValue(ids[i], out var d)) continue;
            db.SurveyCalls.Add(new SurveyCall
            {
                SurveyId = id, ContactId = ids[i], Position = i + 1,
                Status = d.Outcome == SendOutcome.Skip ? SurveyCallStatuses.Skipped : SurveyCallStatuses.Queued,
                SkipReason = d.Outcome == SendOutcome.Send ? null : d.Reason,
                DueAt = d.DeferredUntil ?? now,
            });
        }

        survey.Status = SurveyStatuses.Running;
        survey.StartedAt = now;
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditActions.Update, AuditEntity, id.ToString(),
            $"started;queued={decisions.Values.Count(d => d.Outcome != SendOutcome.Skip)};skipped={decisions.Values.Count(d => d.Outcome == SendOutcome.Skip)}", ct);
        return StartOutcome.Started;
    }

    /// <summary>The queue as it stands, in order: for the survey page and the tests. A sales manager's holds their own contacts only.</summary>
    public Task<List<SurveyCall>> QueueAsync(Guid surveyId, ContactScope scope, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return OwnedBy(db.SurveyCalls.AsNoTracking().Where(c => c.SurveyId == surveyId), scope.OwnerOnly)
            .OrderBy(c => c.DueAt).ThenBy(c => c.Position).ToListAsync(ct);
    }

    /// <summary>The calls to contacts of <paramref name="owner"/> (null: every call).</summary>
    private IQueryable<SurveyCall> OwnedBy(IQueryable<SurveyCall> calls, Guid? owner) =>
        owner is { } o ? calls.Where(c => db.Contacts.Any(x => x.Id == c.ContactId && x.OwnerId == o)) : calls;

    /// <summary>
    /// The operator's next call: the one they already hold, else the earliest due queued contact in queue order, taken so
    /// no other operator gets it. The policy is asked again now; a contact it defers goes back with the new time, one it
    /// skips leaves the queue. Null when nobody is due. Reading the contact for the call is audited. A caller whose
    /// <paramref name="scope"/> reaches only their own contacts as people (a sales manager) is given only those.
    /// </summary>
    public async Task<ConsoleCall?> NextCallAsync(Guid surveyId, ContactScope scope, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (actor.UserId is not { } operatorId || !scope.Personal) return null;
        var owner = scope.PersonalOwner;
        var survey = await GetAsync(surveyId, ct);
        if (survey is not { Status: SurveyStatuses.Running }) return null;
        var held = await db.SurveyCalls.AsNoTracking()
            .Where(c => c.SurveyId == surveyId && c.Status == SurveyCallStatuses.InProgress && c.OperatorId == operatorId)
            .Select(c => (Guid?)c.ContactId).FirstOrDefaultAsync(ct);
        for (var tries = 0; held is null && tries < 50; tries++)
        {
            var now = clock.GetUtcNow();
            if (await TakeAsync(surveyId, operatorId, owner, now, ct) is not { } taken) break;
            var decision = (await policy.DecideAsync(Intent, [taken], null, ct)).GetValueOrDefault(taken, SendDecision.Skip(SendReasons.Erased));
            if (decision.Outcome == SendOutcome.Send) { held = taken; break; }
            await db.SurveyCalls.Where(c => c.SurveyId == surveyId && c.ContactId == taken).ExecuteUpdateAsync(u => u
                .SetProperty(c => c.Status, decision.Outcome == SendOutcome.Defer ? SurveyCallStatuses.Queued : SurveyCallStatuses.Skipped)
                .SetProperty(c => c.DueAt, c => decision.DeferredUntil ?? c.DueAt)
                .SetProperty(c => c.SkipReason, decision.Reason)
                .SetProperty(c => c.OperatorId, (Guid?)null), ct);
        }

        if (held is not { } contactId) return null;
        var contact = await contacts.GetAsync(contactId, scope, ct);
        if (contact is null || !scope.PersonalFor(contact.OwnerId)) return null;
        var attempts = await db.SurveyCalls.AsNoTracking().Where(c => c.SurveyId == surveyId && c.ContactId == contactId).Select(c => c.Attempts).SingleAsync(ct);
        var waiting = await OwnedBy(db.SurveyCalls.AsNoTracking(), owner)
            .CountAsync(c => c.SurveyId == surveyId && c.Status == SurveyCallStatuses.Queued && c.DueAt <= clock.GetUtcNow(), ct);
        await audit.WriteAsync(AuditActions.Read, "contact", contactId.ToString(), $"survey call {surveyId}", ct);
        return new ConsoleCall(survey, SurveyScript.FromJson(survey.Script), contacts.View(contact, scope), attempts, waiting);
    }

    /// <summary>
    /// Marks the earliest due queued item in progress for the operator (skipping items other operators are taking), among
    /// the contacts of <paramref name="owner"/> when set.
    /// </summary>
    private async Task<Guid?> TakeAsync(Guid surveyId, Guid operatorId, Guid? owner, DateTimeOffset now, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var taken = await Sql.ScalarAsync((NpgsqlConnection)db.Database.GetDbConnection(), """
                UPDATE survey_calls sc SET status = 'in_progress', operator_id = @op, taken_at = @now
                WHERE (sc.tenant_id, sc.survey_id, sc.contact_id) = (
                  SELECT q.tenant_id, q.survey_id, q.contact_id FROM survey_calls q
                  WHERE q.tenant_id = @t AND q.survey_id = @s AND q.status = 'queued' AND q.due_at <= @now
                    AND (@owner::uuid IS NULL OR EXISTS (SELECT 1 FROM contacts c WHERE c.tenant_id = q.tenant_id AND c.id = q.contact_id AND c.owner_id = @owner))
                  ORDER BY q.due_at, q.position LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING sc.contact_id
                """, ct, Sql.P("t", db.Tenant.RequireTenant()), Sql.P("s", surveyId), Sql.P("op", operatorId), Sql.P("owner", NpgsqlTypes.NpgsqlDbType.Uuid, owner), Sql.P("now", now));
            return taken as Guid?;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Records a call: checks the answers against the script, stores them, moves the contact's queue item (done; back in
    /// the queue after an unanswered call or at the agreed call-back time), records <c>call_unanswered</c> for an
    /// unanswered call (which feeds the messenger hand-off automation), and routes an unhappy answer to the quality queue.
    /// Null survey: 404. A contact beyond the caller's <see cref="ContactScope.PersonalOwner"/> is unknown to them.
    /// </summary>
    public async Task<ResponseResult?> RecordAsync(Guid surveyId, ResponseInput input, ContactScope scope, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(input);
        var survey = await GetAsync(surveyId, ct);
        if (survey is null) return null;
        var script = SurveyScript.FromJson(survey.Script);
        var errors = new ValidationErrors();
        if (!SurveyOutcomes.All.Contains(input.Outcome ?? "", StringComparer.Ordinal))
            errors.Add("outcome", "Outcome must be one of: answered, no_answer, refused, callback.");
        var contact = input.ContactId is { } cid ? await contacts.GetAsync(cid, ContactScope.Full, ct) : null;
        if (contact is null || contact.Status == Domain.Contacts.ContactStatus.Erased || scope.PersonalOwner is { } own && contact.OwnerId != own) errors.Add("contactId", "An existing contact is required.");
        var answers = input.Answers ?? [];
        var nps = script.CheckAnswers(answers, errors);
        if (input.Outcome != SurveyOutcomes.Answered && answers.Count > 0) errors.Add("answers", "Only an answered call has answers.");
        var now = clock.GetUtcNow();
        if (input.Outcome == SurveyOutcomes.Callback && (input.CallbackAt is not { } at || at <= now))
            errors.Add("callbackAt", "A call back needs a time in the future.");
        if (!errors.IsValid) return new ResponseResult(null, null, errors);

        var answersJson = new JsonObject();
        foreach (var (k, v) in answers) answersJson[k] = JsonNode.Parse(v.GetRawText());
        var response = new SurveyResponse
        {
            SurveyId = surveyId, ContactId = contact!.Id, Outcome = input.Outcome!, RecordingConsent = input.RecordingConsent,
            Answers = answersJson.ToJsonString(), Nps = nps, CallbackAt = input.Outcome == SurveyOutcomes.Callback ? input.CallbackAt : null,
            OperatorId = actor.UserId, RecordedAt = now,
        };
        db.SurveyResponses.Add(response);

        QualityItem? quality = null;
        if (response.Outcome == SurveyOutcomes.Answered && script.QualityReason(nps, answers) is { } reason)
        {
            quality = new QualityItem
            {
                SurveyId = surveyId, ResponseId = response.Id, ContactId = contact.Id, Reason = reason, OwnerId = survey.OwnerId,
                DueAt = now.AddHours(QualityRules.DueHours), CreatedAt = now,
            };
            db.QualityItems.Add(quality);
        }

        var call = await db.SurveyCalls.SingleOrDefaultAsync(c => c.SurveyId == surveyId && c.ContactId == contact.Id, ct);
        if (call is not null)
        {
            call.Attempts++;
            call.OperatorId = null;
            (call.Status, call.DueAt) = response.Outcome switch
            {
                SurveyOutcomes.NoAnswer when call.Attempts < MaxAttempts => (SurveyCallStatuses.Queued, now + RetryAfter),
                SurveyOutcomes.Callback => (SurveyCallStatuses.Queued, response.CallbackAt!.Value),
                _ => (SurveyCallStatuses.Done, call.DueAt),
            };
        }

        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditActions.Create, ResponseAuditEntity, response.Id.ToString(), $"survey={surveyId};outcome={response.Outcome}", ct);
        if (response.Outcome == SurveyOutcomes.NoAnswer)
        {
            var phone = contacts.View(contact, ContactScope.Full).Phone;
            await events.RecordAsync(new EventInput
            {
                Type = EventTypes.CallUnanswered, ExternalId = $"survey-call-{response.Id:N}", Phone = phone, OccurredAt = now,
                Data = new JsonObject { ["surveyId"] = surveyId.ToString() },
            }, ct);
        }

        return new ResponseResult(response, quality, errors);
    }

    /// <summary>The open follow-ups (oldest due first) with the survey's name, or the resolved ones (latest first).</summary>
    public async Task<IReadOnlyList<(QualityItem Item, string Survey, int? Nps)>> QualityQueueAsync(bool resolved, CancellationToken ct = default)
    {
        var items = db.QualityItems.AsNoTracking().Where(q => (q.ResolvedAt != null) == resolved);
        items = resolved ? items.OrderByDescending(q => q.ResolvedAt).Take(50) : items.OrderBy(q => q.DueAt).Take(200);
        var rows = await items
            .Join(db.Surveys.AsNoTracking(), q => q.SurveyId, s => s.Id, (q, s) => new { q, s.Name })
            .Join(db.SurveyResponses.AsNoTracking(), x => x.q.ResponseId, r => r.Id, (x, r) => new { x.q, x.Name, r.Nps })
            .ToListAsync(ct);
        var ordered = resolved ? rows.OrderByDescending(r => r.q.ResolvedAt) : rows.OrderBy(r => r.q.DueAt);
        return ordered.Select(r => (r.q, r.Name, r.Nps)).ToList();
    }

    /// <summary>Records how a follow-up was resolved. False when it does not exist or was resolved already.</summary>
    public async Task<bool> ResolveAsync(Guid itemId, string? resolution, CancellationToken ct = default)
    {
        var text = resolution?.Trim();
        if (string.IsNullOrEmpty(text)) return false;
        if (text.Length > 2000) text = text[..2000];
        var changed = await db.QualityItems.Where(q => q.Id == itemId && q.ResolvedAt == null).ExecuteUpdateAsync(u => u
            .SetProperty(q => q.ResolvedAt, clock.GetUtcNow())
            .SetProperty(q => q.Resolution, text)
            .SetProperty(q => q.ResolvedBy, actor.UserId), ct);
        if (changed == 0) return false;
        await audit.WriteAsync(AuditActions.Update, "survey_quality_item", itemId.ToString(), "resolved", ct);
        return true;
    }
}
