using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using PhoneCrm.Infrastructure.Access;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Infrastructure.Platform;

/// <summary>
/// Accounts that run the installation and belong to no tenant (api-v1 "Platform operators"). Created only by the CLI
/// (<c>operator create --email</c>): there is no page that makes one, so no tenant Admin can raise themselves to it.
/// </summary>
public sealed class PlatformOperators(UserManager<AppUser> users, TimeProvider clock, ILogger<PlatformOperators> log)
{
    public sealed record Created(string Email, string Password);

    /// <summary>A new operator with a one-time password (changed at first sign-in; a second factor is enrolled then too).</summary>
    /// <exception cref="ArgumentException">The email is invalid or already has an account (tenant user or operator).</exception>
    public async Task<Created> CreateAsync(string email, CancellationToken ct = default)
    {
        email = (email ?? "").Trim();
        if (email.Length == 0 || !email.Contains('@', StringComparison.Ordinal))
            throw new ArgumentException("A valid --email is required.", nameof(email));
        // A person of a tenant never becomes an operator (and back): the two kinds of account stay apart.
        if (await users.FindByEmailAsync(email) is not null)
            throw new ArgumentException($"An account with the email {email} exists already; a platform operator needs an email of its own.", nameof(email));

        var password = TenantProvisioner.GeneratePassword();
        var user = new AppUser
        {
            Id = Guid.CreateVersion7(),
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            MustChangePassword = true,
            IsPlatformOperator = true,
            LockoutEnabled = true,
            CreatedAt = clock.GetUtcNow(),
        };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded) throw new ArgumentException(string.Join("; ", created.Errors.Select(e => e.Description)), nameof(email));
        log.LogWarning("Platform operator {UserId} created", user.Id);
        return new Created(email, password);
    }
}
