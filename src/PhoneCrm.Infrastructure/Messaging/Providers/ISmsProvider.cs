namespace PhoneCrm.Infrastructure.Messaging.Providers;

/// <summary>
/// A gateway that accepts SMS (the simulator, SMS.ru, SMSC.ru). Implementations must be idempotent on
/// <see cref="SmsSendRequest.IdempotencyKey"/> as far as the provider allows: the same key sent twice yields one
/// message and the same provider message id.
/// </summary>
public interface ISmsProvider
{
    /// <summary>The name used in <c>Sms:Provider</c> and stored on each message.</summary>
    string Name { get; }

    Task<SmsSendResult> SendAsync(SmsSendRequest request, CancellationToken ct);

    /// <summary>Sends a batch; results are in request order. Providers with a bulk call override this.</summary>
    async Task<IReadOnlyList<SmsSendResult>> SendManyAsync(IReadOnlyList<SmsSendRequest> requests, CancellationToken ct)
    {
        var results = new SmsSendResult[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            results[i] = await SendAsync(requests[i], ct);
        }

        return results;
    }
}

/// <param name="Phone">E.164 (<c>+79161234567</c>).</param>
/// <param name="IdempotencyKey">The message's key; the same key must never produce a second message.</param>
public sealed record SmsSendRequest(Guid TenantId, Guid MessageId, string IdempotencyKey, string Phone, string Text, string? Sender);

public enum SmsSendOutcome
{
    Accepted,
    /// <summary>Try again later (timeout, 5xx, throttling): nothing was sent, or the key makes a resend harmless.</summary>
    RetryableFailure,
    /// <summary>The provider refused this message for good (bad number, blocked sender, no balance).</summary>
    PermanentFailure,
}

public sealed record SmsSendResult(SmsSendOutcome Outcome, string? ProviderMessageId, string? ErrorCode, string? Error)
{
    public static SmsSendResult Accepted(string providerMessageId) => new(SmsSendOutcome.Accepted, providerMessageId, null, null);
    public static SmsSendResult Retry(string error, string? code = null) => new(SmsSendOutcome.RetryableFailure, null, code, error);
    public static SmsSendResult Refused(string error, string? code = null) => new(SmsSendOutcome.PermanentFailure, null, code, error);
}
