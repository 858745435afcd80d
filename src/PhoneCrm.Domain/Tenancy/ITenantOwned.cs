namespace PhoneCrm.Domain.Tenancy;

/// <summary>A row that belongs to one tenant. Its primary key, unique keys and foreign keys all include <see cref="TenantId"/>.</summary>
public interface ITenantOwned
{
    Guid TenantId { get; set; }
}
