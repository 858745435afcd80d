using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Imports;

/// <summary>
/// Leaves the database settled after a large import, so the first segment count or contact list after it is as fast as
/// the second: <c>VACUUM (ANALYZE)</c> of the tables the import's kind writes, once an import that created or updated at
/// least <c>Imports:SettleAfterRows</c> (50,000) rows has completed.
/// <para>Why: freshly inserted rows carry no hint bits and their pages are not all-visible, so the first reader checks
/// every row's transaction status (and dirties the page to set its hint bits), and index-only scans — which segment
/// counts rely on — fall back to the heap; the planner's statistics still describe the table before the import.
/// Measured on the <c>segments</c> bench (issue 18): the worst rule's p95 was 424 ms on the first run after loading and
/// 245 ms once settled. Autovacuum would get there, but only after 20 % of the table changed and in its own time.</para>
/// <para>Runs outside the import's transactions (VACUUM cannot run inside one), after the import's status is
/// <c>Completed</c>; idempotent (vacuuming settled tables only reads their visibility map).</para>
/// </summary>
public sealed class ImportSettle(PhoneCrmDbContext db, IEnumerable<IImportRowHandler> handlers, IConfiguration config, ILogger<ImportSettle> logger)
{
    public const int DefaultSettleAfterRows = 50_000;

    /// <summary>True when the tables were vacuumed and analysed for this import.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100", Justification = "Table names from the handlers' code, never input")]
    public async Task<bool> SettleAsync(Guid importId, CancellationToken ct = default)
    {
        var job = await db.Set<ImportJob>().AsNoTracking().SingleOrDefaultAsync(i => i.Id == importId, ct);
        var threshold = config.GetValue("Imports:SettleAfterRows", DefaultSettleAfterRows);
        if (job is not { Status: ImportStatus.Completed } || job.Created + job.Updated < threshold) return false;

        var tables = string.Join(", ", handlers.Single(h => h.Kind == job.Kind).WrittenTables);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        // On a connection of its own as the configured login, which owns the tables (migrations run as it): the app's
        // connections drop to a role that reads and writes rows but may not vacuum (owners only, PostgreSQL 15).
        await using (var owner = new NpgsqlConnection(db.Database.GetConnectionString()))
        {
            await owner.OpenAsync(ct);
            await using var vacuum = new NpgsqlCommand("VACUUM (ANALYZE) " + tables, owner) { CommandTimeout = 0 };
            await vacuum.ExecuteNonQueryAsync(ct);
        }

        logger.LogInformation("Import {ImportId}: {Tables} vacuumed and analysed after {Rows} rows in {Seconds:0.0} s", importId, tables,
            job.Created + job.Updated, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        return true;
    }
}
