using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Access;

/// <summary>An integration key. Only a hash of its secret is stored; the key itself is shown once.</summary>
public sealed class ApiKey : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; }
    public required string Name { get; set; }
    /// <summary>Public part of the key, used to find the row.</summary>
    public required string KeyId { get; set; }
    public required byte[] SecretHash { get; set; }
    public List<string> Scopes { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? CreatedBy { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    public bool IsActive => RevokedAt is null;
}
