using PhoneCrm.Infrastructure.Jobs;

namespace PhoneCrm.Infrastructure.Consent;

/// <summary>
/// <c>consent-chain-checkpoint</c> (hourly, api-v1 "Hygiene jobs"): verifies each tenant's consent ledger from its latest
/// checkpoint to the head and records the head reached (<see cref="ConsentLedger.CheckpointAsync"/>), so the Consent
/// page and every proof verify only what was appended since. A broken chain records nothing (the pages keep saying
/// where it broke); a chain that has not grown records nothing, so a second run changes nothing.
/// </summary>
public sealed class ConsentChainCheckpointJob(ConsentLedger ledger) : ITenantJob
{
    public const string JobId = "consent-chain-checkpoint";

    public static RecurringJobDefinition Definition { get; } = RecurringJobDefinition.PerTenant<ConsentChainCheckpointJob>(JobId, "17 * * * *",
        "Verifies the consent ledger from the last checkpoint to its head and records the head reached, so pages and proofs verify only what is new");

    public async Task<TenantJobResult> RunTenantAsync(Guid tenantId, CancellationToken ct)
    {
        var checkpoint = await ledger.CheckpointAsync(ct);
        return TenantJobResult.Of(new Dictionary<string, int> { ["checkpoints"] = checkpoint is null ? 0 : 1 });
    }
}
