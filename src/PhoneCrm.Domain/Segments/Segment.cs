using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Segments;

/// <summary>A saved, dynamic audience: the rule is evaluated whenever it is counted or used.</summary>
public sealed class Segment : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    /// <summary>The rule JSON as validated (jsonb).</summary>
    public required string Rule { get; set; }
    /// <summary>Segments whose members are taken out of this one (uuid[]); the membership is dynamic on both sides.</summary>
    public List<Guid> ExcludeSegmentIds { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
