using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Tenancy;
using PhoneCrm.Infrastructure.Access;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Tenancy;

/// <summary>Creates a tenant with its first admin and an integration key (the <c>tenant create</c> verb).</summary>
public sealed class TenantProvisioner(
    PhoneCrmDbContext db,
    UserManager<AppUser> users,
    ApiKeyService apiKeys,
    Consent.ConsentPurposes consentPurposes,
    AuditLog audit,
    TimeProvider clock)
{
    public sealed record Result(Guid TenantId, string AdminEmail, string AdminPassword, string ApiKey);

    public async Task<Result> CreateAsync(string name, string adminEmail, string? password = null,
        bool mustChangePassword = true, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("Tenant name is required.", nameof(name));
        if (string.IsNullOrWhiteSpace(adminEmail) || !adminEmail.Contains('@', StringComparison.Ordinal))
            throw new ArgumentException("A valid admin email is required.", nameof(adminEmail));

        var tenant = new Tenant { Id = Guid.CreateVersion7(), Name = name.Trim(), CreatedAt = clock.GetUtcNow() };
        db.Tenants.Add(tenant);
        await db.SaveChangesAsync(ct);
        db.Tenant.Set(tenant.Id);

        password ??= GeneratePassword();
        var user = await EnsureUserAsync(adminEmail.Trim(), password, mustChangePassword);
        await AddMemberAsync(user.Id, [Role.Admin], ct);
        await consentPurposes.EnsureBuiltInsAsync(ct);

        var key = await apiKeys.CreateAsync("Bootstrap key", ApiScope.All, user.Id, ct);
        await audit.WriteAsync(AuditActions.TenantCreated, "tenant", tenant.Id.ToString(), ct: ct);
        await audit.WriteAsync(AuditActions.ApiKeyCreated, "api_key", key.Key.Id.ToString(), "bootstrap", ct);
        return new Result(tenant.Id, user.Email!, password, key.Token);
    }

    /// <summary>Finds or creates a user; a new one gets the given password.</summary>
    public async Task<AppUser> EnsureUserAsync(string email, string password, bool mustChangePassword)
    {
        var user = await users.FindByEmailAsync(email);
        if (user is { IsPlatformOperator: true })
            throw new ArgumentException($"{email} is a platform operator's account; a tenant's people need accounts of their own.", nameof(email));
        if (user is not null) return user;
        user = new AppUser
        {
            Id = Guid.CreateVersion7(),
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            MustChangePassword = mustChangePassword,
            CreatedAt = clock.GetUtcNow(),
            LockoutEnabled = true,
        };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
            throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
        return user;
    }

    public async Task AddMemberAsync(Guid userId, IEnumerable<Role> roles, CancellationToken ct = default)
    {
        var tenantId = db.Tenant.RequireTenant();
        if (await db.Memberships.AnyAsync(m => m.UserId == userId, ct)) return;
        db.Memberships.Add(new Membership
        {
            TenantId = tenantId,
            UserId = userId,
            Roles = roles.Distinct().ToList(),
            CreatedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>16 characters with every class Identity's password rules ask for.</summary>
    public static string GeneratePassword()
    {
        const string lower = "abcdefghijkmnopqrstuvwxyz", upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", digits = "23456789", symbols = "!#%+-=?@";
        var all = lower + upper + digits + symbols;
        var chars = new List<char>
        {
            lower[RandomNumberGenerator.GetInt32(lower.Length)],
            upper[RandomNumberGenerator.GetInt32(upper.Length)],
            digits[RandomNumberGenerator.GetInt32(digits.Length)],
            symbols[RandomNumberGenerator.GetInt32(symbols.Length)],
        };
        while (chars.Count < 16) chars.Add(all[RandomNumberGenerator.GetInt32(all.Length)]);
        return new string(chars.OrderBy(_ => RandomNumberGenerator.GetInt32(1000)).ToArray());
    }
}
