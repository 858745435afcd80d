using PhoneCrm.Infrastructure.Jobs;

namespace PhoneCrm.Infrastructure.Protection;

/// <summary>
/// <c>pii-tenant-binding</c> (daily, per tenant; idempotent, resumable): binds a tenant's stored personal data to the
/// tenant (issue 12 item 3). Every value still in format 1 (<see cref="PiiProtector"/>: no tenant in its associated data)
/// — or under an old key — is rewritten as format 2 for the row's tenant by <see cref="PiiRotation.ReencryptTenantAsync"/>:
/// keyset batches per table, set-based updates that never overwrite a value changed meanwhile. Both formats are read
/// throughout, so there is no downtime; a killed run loses nothing, and the next one selects only what is left. Each run
/// also rewrites the platform's own values (second factors, data-protection keys: a handful of rows, skipped once done).
/// Progress, format-1 values left per table, is on <c>/platform/encryption</c> (<see cref="PiiRotation.StatusAsync"/>).
/// </summary>
public sealed class PiiTenantBinding(PiiRotation rotation) : ITenantJob
{
    public const string JobId = "pii-tenant-binding";

    public static RecurringJobDefinition Definition { get; } = RecurringJobDefinition.PerTenant<PiiTenantBinding>(JobId, "41 3 * * *",
        "Binds the tenant's encrypted personal data to the tenant (issue 12 item 3): rewrites format-1 ciphertexts (and any under an old key) as tenant-bound format 2");

    public async Task<TenantJobResult> RunTenantAsync(Guid tenantId, CancellationToken ct)
    {
        var rows = await rotation.ReencryptTenantAsync(tenantId, ct);
        var platform = await rotation.ReencryptPlatformAsync(ct);
        return TenantJobResult.Of(new Dictionary<string, int> { ["rewritten"] = (int)rows, ["platform"] = (int)platform });
    }
}
