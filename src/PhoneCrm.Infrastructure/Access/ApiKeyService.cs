using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Infrastructure.Access;

/// <summary>
/// Issues and checks integration keys of the form <c>pcrm_{tenant}_{keyId}_{secret}</c>. The tenant part lets the
/// key be checked under row-level security; only SHA-256 of the 256-bit secret is stored.
/// </summary>
public sealed class ApiKeyService(PhoneCrmDbContext db, TimeProvider clock, AuditLog audit, AuditActor actor)
{
    private const string Prefix = "pcrm";

    public sealed record Issued(ApiKey Key, string Token);

    public Task<List<ApiKey>> ListAsync() => db.ApiKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ToListAsync();

    /// <summary>A key the acting user asked for, audited with its scopes; returns the token, shown this once.</summary>
    public async Task<string> IssueAsync(string name, IReadOnlyCollection<string> scopes)
    {
        var issued = await CreateAsync(name, scopes, actor.UserId);
        await audit.WriteAsync(AuditActions.ApiKeyCreated, "api_key", issued.Key.Id.ToString(), string.Join(",", scopes));
        return issued.Token;
    }

    public async Task<Issued> CreateAsync(string name, IEnumerable<string> scopes, Guid? createdBy, CancellationToken ct = default)
    {
        var scopeList = scopes.Distinct(StringComparer.Ordinal).ToList();
        var unknown = scopeList.Where(s => !ApiScope.IsKnown(s)).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"Unknown scope(s): {string.Join(", ", unknown)}", nameof(scopes));
        var tenantId = db.Tenant.RequireTenant();
        var keyId = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey
        {
            TenantId = tenantId,
            Id = Guid.CreateVersion7(),
            Name = name.Trim(),
            KeyId = keyId,
            SecretHash = Hash(secret),
            Scopes = scopeList,
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = createdBy,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        return new Issued(key, $"{Prefix}_{tenantId:N}_{keyId}_{secret}");
    }

    /// <summary>Splits a token into its tenant and key id without touching the database.</summary>
    public static bool TryParse(string token, out Guid tenantId, out string keyId, out string secret)
    {
        tenantId = Guid.Empty;
        keyId = secret = "";
        var parts = token.Split('_', 4);
        if (parts.Length != 4 || parts[0] != Prefix || !Guid.TryParseExact(parts[1], "N", out tenantId)) return false;
        keyId = parts[2];
        secret = parts[3];
        return keyId.Length == 16 && secret.Length > 20;
    }

    /// <summary>The active key matching the token; the tenant context must already be set to the token's tenant.</summary>
    public async Task<(ApiKey? Key, string? Failure)> ValidateAsync(string keyId, string secret, CancellationToken ct = default)
    {
        var key = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.KeyId == keyId, ct);
        if (key is null) return (null, "unknown key");
        if (!CryptographicOperations.FixedTimeEquals(key.SecretHash, Hash(secret))) return (null, "wrong secret");
        if (key.RevokedAt is not null) return (key, "revoked");
        if (await db.IsSuspendedAsync(key.TenantId, ct)) return (key, "tenant suspended");
        return (key, null);
    }

    public async Task<bool> RevokeAsync(Guid id, CancellationToken ct = default)
    {
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, ct);
        if (key is null || key.RevokedAt is not null) return false;
        key.RevokedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditActions.ApiKeyRevoked, "api_key", id.ToString(), ct: ct);
        return true;
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '-');
}
