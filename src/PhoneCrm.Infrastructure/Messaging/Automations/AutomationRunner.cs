using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Events;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Messaging.Automations;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Messaging.Campaigns;
using PhoneCrm.Infrastructure.Hosting;

namespace PhoneCrm.Infrastructure.Messaging.Automations;

/// <summary>
/// Processes due automation runs of the current tenant: cancels those whose trigger lost its point, asks the one send
/// policy about the rest, queues the allowed messages (idempotency key from the run) and hands them to delivery.
/// A crash at any point is repaired by the next pass: a run whose message was already queued is only marked sent.
/// </summary>
public sealed class AutomationRunner(
    PhoneCrmDbContext db,
    ContactService contacts,
    ConsentLedger ledger,
    SendPolicyService policy,
    SmsOutbox outbox,
    SmsDelivery delivery,
    AutomationSettings settings,
    ShortLinks shortLinks,
    TimeProvider clock)
{
    private const int BatchSize = 200;

    public static string MessageKey(Guid runId) => $"automation:{runId}";

    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var runs = await db.AutomationRuns.Where(r => r.Status == AutomationRunStatus.Pending && r.DueAt <= now)
            .OrderBy(r => r.DueAt).Take(BatchSize).ToListAsync(ct);
        if (runs.Count == 0) return 0;

        var automations = (await settings.ListAsync(ct)).ToDictionary(a => a.Kind);
        var eventIds = runs.Where(r => r.EventId is not null).Select(r => r.EventId!.Value).Distinct().ToList();
        var events = await db.ContactEvents.AsNoTracking().Where(e => eventIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, ct);
        var contactIds = runs.Select(r => r.ContactId).Distinct().ToList();
        var people = await db.Contacts.AsNoTracking().Where(c => contactIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var keys = runs.Select(r => MessageKey(r.Id)).ToList();
        var queued = await db.SmsMessages.AsNoTracking().Where(m => keys.Contains(m.IdempotencyKey))
            .ToDictionaryAsync(m => m.IdempotencyKey, m => m.Id, ct);

        var toDeliver = new List<Guid>();
        foreach (var group in runs.GroupBy(r => r.Kind))
        {
            var kind = AutomationKind.Find(group.Key)!;
            var automation = automations[group.Key];
            var intent = new SendIntent(kind.Purpose, kind.Category, SmsKinds.Automation);
            var open = new List<AutomationRun>();
            foreach (var run in group)
            {
                run.ProcessedAt = now;
                if (queued.TryGetValue(MessageKey(run.Id), out var already))
                {
                    Finish(run, AutomationRunStatus.Sent, null, already);
                    toDeliver.Add(already);
                }
                else if (!automation.Enabled) Finish(run, AutomationRunStatus.Cancelled, "disabled");
                else if (await CancelReasonAsync(kind, run, events, now, ct) is { } why) Finish(run, AutomationRunStatus.Cancelled, why);
                else if (kind.Handoff) Finish(run, AutomationRunStatus.HandedOff, null);
                else open.Add(run);
            }

            if (open.Count == 0) continue;
            await RecordContractBasisAsync(kind, open, events, people, ct);
            var decisions = await policy.DecideAsync(intent, open.Select(r => r.ContactId).ToList(), null, ct);
            foreach (var run in open)
            {
                var decision = decisions.GetValueOrDefault(run.ContactId) ?? SendDecision.Skip(SendReasons.Erased);
                if (decision.Outcome == SendOutcome.Skip)
                {
                    Finish(run, AutomationRunStatus.Skipped, decision.Reason);
                    PhoneCrmMetrics.Skipped(intent.Kind, decision.Reason);
                }
                else if (decision.Outcome == SendOutcome.Defer)
                {
                    run.DueAt = decision.DeferredUntil!.Value;
                    run.Reason = decision.Reason;
                }
                else
                {
                    var message = await outbox.QueueAsync(await ComposeAsync(kind, automation, run, people[run.ContactId], events, ct), ct);
                    Finish(run, AutomationRunStatus.Sent, null, message.Id);
                    toDeliver.Add(message.Id);
                }
            }
        }

        await db.SaveChangesAsync(ct);
        if (toDeliver.Count > 0) await delivery.DeliverAsync(toDeliver, ct);
        return runs.Count;
    }

    private static void Finish(AutomationRun run, string status, string? reason, Guid? messageId = null)
    {
        run.Status = status;
        run.Reason = reason;
        run.MessageId = messageId;
    }

    /// <summary>A cart that was recovered, an appointment that already passed, a customer who got in touch: no message.</summary>
    private async Task<string?> CancelReasonAsync(AutomationKind kind, AutomationRun run, Dictionary<Guid, ContactEvent> events,
        DateTimeOffset now, CancellationToken ct)
    {
        var trigger = run.EventId is { } id ? events.GetValueOrDefault(id) : null;
        if (run.EventId is not null && trigger is null) return "eventMissing";
        string[] ending = kind.Code switch
        {
            AutomationKind.CartAbandoned => [EventTypes.CartRecovered, EventTypes.OrderPlaced],
            AutomationKind.UnansweredCallHandoff => EventTypes.Engagement.ToArray(),
            _ => [],
        };
        if (trigger is not null && ending.Length > 0 && await db.ContactEvents.AnyAsync(
                e => e.ContactId == run.ContactId && ending.Contains(e.Type) && e.OccurredAt > trigger.OccurredAt, ct))
        {
            return kind.Code == AutomationKind.CartAbandoned ? "recovered" : "answered";
        }

        if (kind.Code == AutomationKind.AppointmentReminder && trigger is not null && DataTime(trigger, "appointmentAt") is { } at && at <= now)
        {
            return "passed";
        }

        return null;
    }

    /// <summary>
    /// Order and appointment messages rest on the contract or booking, not on consent: the first one records that basis in
    /// the ledger (so every send stays provable), unless the person has ever withdrawn the purpose.
    /// </summary>
    private async Task RecordContractBasisAsync(AutomationKind kind, List<AutomationRun> runs, Dictionary<Guid, ContactEvent> events,
        Dictionary<Guid, Contact> people, CancellationToken ct)
    {
        if (kind.Purpose != ConsentTerms.Transactional) return;
        var ids = runs.Select(r => r.ContactId).ToList();
        var known = await db.ConsentStates.AsNoTracking()
            .Where(s => ids.Contains(s.ContactId) && s.Purpose == ConsentTerms.Transactional && s.Channel == SendIntent.Channel)
            .Select(s => s.ContactId).ToListAsync(ct);
        // Erased people keep nothing to decrypt and get nothing: the policy skips them.
        foreach (var run in runs.Where(r => !known.Contains(r.ContactId) && r.EventId is not null
                     && people.TryGetValue(r.ContactId, out var p) && p.Status == ContactStatus.Active).DistinctBy(r => r.ContactId))
        {
            var basis = events[run.EventId!.Value].Type == EventTypes.AppointmentBooked ? "booking" : "contract";
            var phone = contacts.View(people[run.ContactId], ContactScope.Full).Phone;
            await ledger.GrantAsync(new GrantInput(phone, ConsentTerms.Transactional, SendIntent.Channel, basis, null,
                new ConsentEvidence("api", events[run.EventId.Value].OccurredAt, SourceUrl: $"event:{events[run.EventId.Value].ExternalId}")), ct);
        }
    }

    /// <summary>The run's message: variables filled, its links (and the preferences link) shortened and tracked per run.</summary>
    private async Task<OutgoingSms> ComposeAsync(AutomationKind kind, Automation automation, AutomationRun run, Contact contact,
        Dictionary<Guid, ContactEvent> events, CancellationToken ct)
    {
        var view = contacts.View(contact, ContactScope.Full);
        var trigger = run.EventId is { } id ? events.GetValueOrDefault(id) : null;
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(contact.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["firstName"] = view.FirstName,
            ["promoCode"] = automation.PromoCode,
            ["orderNumber"] = DataText(trigger, "orderId"),
            ["amount"] = trigger?.Amount?.ToString("0.##", CultureInfo.InvariantCulture),
            ["trackingNumber"] = DataText(trigger, "trackingNumber"),
            ["link"] = DataText(trigger, "cartUrl") ?? DataText(trigger, "url"),
            ["appointmentAt"] = trigger is not null && DataTime(trigger, "appointmentAt") is { } at
                ? TimeZoneInfo.ConvertTime(at, zone).ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture) : null,
            [ShortLinks.UnsubscribeVariable.Key] = ShortLinks.UnsubscribeVariable.Value,
        };
        var template = run.Step == 2 && automation.FollowUpText is { } f ? f : automation.Text;
        var text = SmsTemplate.Render(template, values);
        var codes = await shortLinks.CreateForRunAsync(run.Id, contact.Id, text, ct);
        return new OutgoingSms(contact.Id, view.Phone, shortLinks.Shorten(text, codes.GetValueOrDefault), kind.Purpose, kind.Category,
            SmsKinds.Automation, MessageKey(run.Id));
    }

    private static string? DataText(ContactEvent? e, string name)
    {
        if (e is null) return null;
        using var doc = JsonDocument.Parse(e.Data);
        return doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.String or JsonValueKind.Number
            ? v.ToString() : null;
    }

    private static DateTimeOffset? DataTime(ContactEvent e, string name) =>
        DateTimeOffset.TryParse(DataText(e, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
