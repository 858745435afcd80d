namespace PhoneCrm.Domain.Tenancy;

/// <summary>A company using PhoneCrm: the personal-data operator. Global table (not tenant-owned).</summary>
public sealed class Tenant
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    /// <summary>Region used to parse numbers written without a country code.</summary>
    public string DefaultRegion { get; set; } = "RU";
    public string TimeZone { get; set; } = "Europe/Moscow";
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The operator's legal name as documents name it (destruction acts, notices); null until the Admin enters it.</summary>
    public string? LegalName { get; set; }
    /// <summary>The operator's legal address for the same documents.</summary>
    public string? LegalAddress { get; set; }
    /// <summary>The person answerable for the base's hygiene, named on the base-health panel (an Admin setting).</summary>
    public string? HygieneResponsible { get; set; }
    /// <summary>Regions (ISO 3166 codes) whose mobile numbers public pages send codes to (an Admin setting; api-v1 "Capture forms").</summary>
    public List<string> CodeRegions { get; set; } = ["RU"];
    /// <summary>The Admin's override of <c>ConsentForms:DailyCodeBudget</c> for this tenant; null: the configured default.</summary>
    public int? DailyCodeBudget { get; set; }
    /// <summary>Hosts campaign links and capture-form redirects may point to (an Admin setting; a subdomain of one counts).</summary>
    public List<string> LinkDomains { get; set; } = [];
    /// <summary>Set by a platform operator: the tenant's people cannot sign in and its API keys are refused until resumed.</summary>
    public DateTimeOffset? SuspendedAt { get; set; }
    /// <summary>
    /// How the tenant's stored blind indexes are keyed: 2 — bound to the tenant (every new tenant); 1 — the platform-wide
    /// key of before, until the background migration has rewritten the tenant's indexes and switched this in one transaction.
    /// </summary>
    public int BlindIndexVersion { get; set; } = 2;
    /// <summary>When the migration switched <see cref="BlindIndexVersion"/> to 2 (it sweeps stragglers for a day after); null if born at 2.</summary>
    public DateTimeOffset? BlindIndexBoundAt { get; set; }
}
