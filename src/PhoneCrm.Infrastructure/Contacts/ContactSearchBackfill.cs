using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Infrastructure.Contacts;

/// <summary>
/// Gives contacts stored before partial search existed their search entries (last four digits, name beginnings): once at
/// start-up on job-server nodes, tenant by tenant under a per-tenant lock, in keyset batches of <see cref="BatchSize"/>.
/// A row is done when its <see cref="Contact.PhoneSuffixIndex"/> is set, so a run cut short resumes where it stopped and
/// a second run finds nothing to do. New rows get their entries when they are written, so this has an end.
/// </summary>
public sealed partial class ContactSearchBackfill(IServiceScopeFactory scopes, ILogger<ContactSearchBackfill> logger)
    : TenantLoopService(scopes, logger)
{
    public const int BatchSize = 1000;

    protected override TimeSpan Interval => Timeout.InfiniteTimeSpan;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunPassAsync(stoppingToken);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            LogFailed(logger, e); // the next start resumes
        }
    }

    protected override async Task RunPassAsync(CancellationToken ct)
    {
        foreach (var tenantId in await TenantIdsAsync(ct))
        {
            var done = await InTenantAsync(tenantId, AdvisoryLock.ContactSearchBackfill(tenantId),
                (sp, db) => BackfillTenantAsync(db, sp.GetRequiredService<PiiProtector>(), sp.GetRequiredService<BlindIndex>(), ct), ct);
            if (done > 0) LogDone(logger, done, tenantId);
        }
    }

    /// <summary>One tenant (the scope's): every contact without search entries gets them; returns how many.</summary>
    public static async Task<int> BackfillTenantAsync(PhoneCrmDbContext db, PiiProtector pii, BlindIndex blind, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(pii);
        ArgumentNullException.ThrowIfNull(blind);
        var index = await blind.ForTenantAsync(db, ct);
        var total = 0;
        var after = Guid.Empty;
        while (true)
        {
            var batch = await db.Contacts.AsNoTracking()
                .Where(c => c.PhoneSuffixIndex == null && c.Status != ContactStatus.Erased && c.Id.CompareTo(after) > 0)
                .OrderBy(c => c.Id).Take(BatchSize)
                .Select(c => new { c.Id, c.PhoneCipher, c.FirstNameCipher, c.LastNameCipher })
                .ToListAsync(ct);
            if (batch.Count == 0) return total;

            var ids = new Guid[batch.Count];
            var suffixes = new byte[batch.Count][];
            var names = new string[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                var row = batch[i];
                ids[i] = row.Id;
                suffixes[i] = index.PhoneSuffix(pii.Decrypt(row.PhoneCipher, index.TenantId, ContactService.PhoneContext)!);
                var tokens = index.NameTokens(pii.Decrypt(row.FirstNameCipher, index.TenantId, ContactService.FirstNameContext),
                    pii.Decrypt(row.LastNameCipher, index.TenantId, ContactService.LastNameContext));
                names[i] = Sql.ByteaArrayLiteral(tokens);
            }

            total += await db.Database.ExecuteSqlRawAsync("""
                UPDATE contacts c SET phone_suffix_index = u.suffix, name_token_indexes = u.names::bytea[]
                FROM unnest(@ids, @suffixes, @names) AS u(id, suffix, names)
                WHERE c.id = u.id AND c.phone_suffix_index IS NULL
                """, [
                    new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids },
                    new NpgsqlParameter("suffixes", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = suffixes },
                    new NpgsqlParameter("names", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = names },
                ], ct);
            after = ids[^1];
        }
    }

    [LoggerMessage(LogLevel.Information, "Search entries added to {Count} contacts of tenant {TenantId}")]
    private static partial void LogDone(ILogger logger, int count, Guid tenantId);

    [LoggerMessage(LogLevel.Warning, "The contact search backfill stopped; the next start resumes it")]
    private static partial void LogFailed(ILogger logger, Exception e);
}
