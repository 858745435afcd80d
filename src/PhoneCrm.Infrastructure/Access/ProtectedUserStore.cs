using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Access;

/// <summary>
/// Identity's store with its tokens encrypted at rest (issue 12 item 7): the TOTP authenticator key and the recovery codes
/// live in <c>user_tokens</c>, and whoever reads that table (a backup, a dump) must not be able to mint second factors.
/// Values are sealed with the PII ring (<see cref="PiiProtector"/>, context <see cref="TokenContext"/>) and stored as base64;
/// a value written before this store (plaintext) is still read, and sealed the next time it is written. Users are global
/// (one may belong to several tenants), so their tokens are owned by <see cref="PiiProtector.Platform"/>.
/// </summary>
public sealed class ProtectedUserStore(PhoneCrmDbContext context, PiiProtector protector, IdentityErrorDescriber? describer = null)
    : UserOnlyStore<AppUser, PhoneCrmDbContext, Guid>(context, describer)
{
    public const string TokenContext = "user_tokens.value";
    /// <summary>Marks a sealed value (a value without it was written before this store, in plaintext).</summary>
    public const string SealedPrefix = "pii:";

    public override Task SetTokenAsync(AppUser user, string loginProvider, string name, string? value, CancellationToken cancellationToken) =>
        base.SetTokenAsync(user, loginProvider, name,
            value is null ? null : SealedPrefix + Convert.ToBase64String(protector.Encrypt(value, PiiProtector.Platform, TokenContext)!), cancellationToken);

    public override async Task<string?> GetTokenAsync(AppUser user, string loginProvider, string name, CancellationToken cancellationToken)
    {
        var stored = await base.GetTokenAsync(user, loginProvider, name, cancellationToken);
        return stored is not null && stored.StartsWith(SealedPrefix, StringComparison.Ordinal)
            ? protector.Decrypt(Convert.FromBase64String(stored[SealedPrefix.Length..]), PiiProtector.Platform, TokenContext)
            : stored;
    }
}
