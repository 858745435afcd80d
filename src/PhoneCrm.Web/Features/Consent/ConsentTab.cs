using PhoneCrm.Domain.Consent;
using PhoneCrm.Infrastructure.Consent;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>The consent tab of the contact card: current state per purpose × channel and the full ledger history.</summary>
public sealed record ConsentTab(IReadOnlyList<ConsentState> States, IReadOnlyList<ConsentHistoryItem> History, bool CanWithdraw,
    DateTimeOffset Now);
