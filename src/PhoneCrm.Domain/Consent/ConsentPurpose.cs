using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Consent;

/// <summary>A tenant's purpose of processing: the built-ins are seeded per tenant, custom ones are added by the Admin.</summary>
public sealed class ConsentPurpose : ITenantOwned
{
    public Guid TenantId { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    /// <summary>Null: no fixed term (lasts until withdrawn or the contract ends).</summary>
    public int? ValidityDays { get; set; }
    /// <summary>
    /// Days within which a person's data held for this purpose is destroyed once the purpose ends (consent withdrawn or
    /// expired); null: the law's 30 days (<see cref="Requests.RetentionPolicy.DestructionDays"/>). Only a shorter term counts.
    /// </summary>
    public int? RetentionDays { get; set; }
    public List<string> AllowedBases { get; set; } = [];
    public bool BuiltIn { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public PurposeRule Rule() => new(Code, ValidityDays, AllowedBases);
}

/// <summary>
/// One version of a consent text exactly as shown to people. Never edited: a change is a new version, so every
/// record's <see cref="ConsentRecord.TextHash"/> keeps pointing at the words the person actually saw.
/// </summary>
public sealed class ConsentTextVersion : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public List<string> PurposeCodes { get; set; } = [];
    public required string OperatorName { get; set; }
    public required string OperatorAddress { get; set; }
    public required string Purposes { get; set; }
    public required string DataList { get; set; }
    public required string ActionsAndMethods { get; set; }
    public required string Term { get; set; }
    public required string Withdrawal { get; set; }
    public required string Body { get; set; }
    public required string Hash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Set by the first consent that cites this version.</summary>
    public DateTimeOffset? FirstUsedAt { get; set; }

    public ConsentTextContent Content() =>
        new(OperatorName, OperatorAddress, Purposes, DataList, ActionsAndMethods, Term, Withdrawal, Body);
}
