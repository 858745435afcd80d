using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Messaging;

namespace PhoneCrm.Infrastructure.Requests;

/// <summary>
/// Tells the person about their request through the channel they used: an SMS for phone and web requests with a number
/// (an answer to their own action, decided by the one send policy, idempotent per request and notice kind, delivered at
/// once), otherwise the text is recorded on the request for staff to send by email, chat or letter (there is no mailer).
/// Every notice is kept in <c>subject_request_notices</c>, shown on the request's page.
/// </summary>
public sealed class RequestNotices(PhoneCrmDbContext db, SmsAnswers answers, SmsDelivery delivery, TimeProvider clock)
{
    /// <param name="e164">The person's number, decrypted by the caller (null when the request has none).</param>
    public async Task<SubjectRequestNotice> SendAsync(SubjectRequest request, string kind, string text, string? e164, CancellationToken ct)
    {
        var bySms = SubjectRequestChannels.AnswersBySms(request.Channel) && e164 is not null;
        var notice = new SubjectRequestNotice
        {
            RequestId = request.Id, Kind = kind, Channel = bySms ? "sms" : request.Channel, Text = text,
            Delivery = NoticeDelivery.Recorded, CreatedAt = clock.GetUtcNow(),
        };
        if (bySms)
        {
            var message = await answers.QueueAsync(request.ContactId, e164!, text, SmsKinds.SubjectRequestNotice, $"dsr:{request.Id:N}:{kind}", ct);
            notice.SmsMessageId = message;
            notice.Delivery = message is null ? NoticeDelivery.SmsRefused : NoticeDelivery.SmsQueued;
            if (message is { } id) await delivery.DeliverAsync([id], ct);
        }

        db.SubjectRequestNotices.Add(notice);
        await db.SaveChangesAsync(ct);
        return notice;
    }

    public async Task<IReadOnlyList<SubjectRequestNotice>> ForAsync(Guid requestId, CancellationToken ct) =>
        await db.SubjectRequestNotices.AsNoTracking().Where(n => n.RequestId == requestId).OrderBy(n => n.CreatedAt).ToListAsync(ct);

    public async Task<string> OperatorNameAsync(CancellationToken ct)
    {
        var tenantId = db.Tenant.RequireTenant();
        return await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.Name).SingleAsync(ct);
    }
}
