using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Hosting;
using PhoneCrm.Infrastructure.Protection;
using static PhoneCrm.Infrastructure.Database.Sql;

namespace PhoneCrm.Infrastructure.Imports;

/// <summary>
/// Runs one import of any kind: streams the stored file, lets the kind's <see cref="IImportRowHandler"/> prepare batches
/// ahead of the database and record them, and commits each batch together with its rejected rows, the import's counters
/// and <see cref="ImportJob.LastLine"/>, so a kill at any moment resumes after the last committed batch with nothing
/// lost or counted twice. A session advisory lock keeps a second worker off the same import.
/// </summary>
public sealed class ImportRun(
    PhoneCrmDbContext db,
    ImportFileStore files,
    IEnumerable<IImportRowHandler> handlers,
    PiiProtector pii,
    ILogger<ImportRun> logger)
{
    /// <summary>Encryption context of a rejected row's value.</summary>
    public const string RejectionContext = "import_rejection.value";

    private const int PrefetchedBatches = 2;

    public async Task RunAsync(Guid importId, CancellationToken ct = default)
    {
        if (!await AdvisoryLock.Import(importId).TryRunAsync(db, conn => RunLockedAsync(conn, importId, ct), ct))
            logger.LogInformation("Import {ImportId} is being processed elsewhere", importId);
    }

    private async Task RunLockedAsync(NpgsqlConnection conn, Guid importId, CancellationToken ct)
    {
        var job = await db.Set<ImportJob>().AsNoTracking().SingleOrDefaultAsync(i => i.Id == importId, ct);
        if (job is null || job.Status is ImportStatus.Completed or ImportStatus.Failed or ImportStatus.Draft) return;
        try
        {
            await ProcessAsync(conn, job, handlers.Single(h => h.Kind == job.Kind), ct);
        }
        catch (ImportFormatException e)
        {
            await ExecAsync(conn, "UPDATE imports SET status = 'Failed', error = @e, completed_at = now(), updated_at = now() WHERE id = @id",
                ct, P("e", e.Message), P("id", importId));
            await ExecAsync(conn, "DELETE FROM import_file_chunks WHERE import_id = @id", ct, P("id", importId));
        }
    }

    private async Task ProcessAsync(NpgsqlConnection conn, ImportJob job, IImportRowHandler handler, CancellationToken ct)
    {
        var seekable = await files.IsWorkbookAsync(job.Id, ct);
        if (job.Status == ImportStatus.Queued || job.TotalRows == 0)
        {
            await using var counting = await files.OpenAsync(job.Id, seekable, ct);
            var total = ImportFileReader.CountDataRows(counting, firstRowIsData: job.FirstRowIsData);
            await ExecAsync(conn, "UPDATE imports SET status = 'Running', total_rows = @total, started_at = coalesce(started_at, now()), updated_at = now() WHERE id = @id",
                ct, P("total", total), P("id", job.Id));
        }

        // Reading and preparing batch N+1 overlaps the database work of batch N: the file streams through a second
        // connection of the same tenant, the batches are written through the context's, which holds the lock.
        await using var reading = conn.CloneWith(conn.ConnectionString);
        await reading.OpenAsync(ct);
        await using (var apply = TenantConnectionInterceptor.Apply(reading, job.TenantId, null))
        {
            await apply.ExecuteNonQueryAsync(ct);
        }

        await using var stream = await files.OpenAsync(reading, job.Id, seekable, ct);
        using var reader = ImportFileReader.Open(stream, firstRowIsData: job.FirstRowIsData);
        var batches = await handler.BeginAsync(job, reader.Header.Fields, ct);
        var prepared = Channel.CreateBounded<PreparedBatch>(new BoundedChannelOptions(PrefetchedBatches)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(() => PrepareAsync(reader, batches, job.LastLine, prepared.Writer, stop.Token), stop.Token);
        try
        {
            await foreach (var batch in prepared.Reader.ReadAllAsync(ct))
            {
                if (!await CommitAsync(conn, job, batch, ct)) return;
            }
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await producer;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stopped because the consumer ended early.
            }
        }

        await ExecAsync(conn, "UPDATE imports SET status = 'Completed', completed_at = now(), updated_at = now() WHERE id = @id", ct, P("id", job.Id));
        // The customer's file goes as soon as nothing needs it; the reports of rejected rows and of rows with several
        // numbers re-read it, so then it stays until ImportFilesExpiryJob (issue 12 item 5).
        await ExecAsync(conn, """
            DELETE FROM import_file_chunks WHERE import_id = @id
              AND EXISTS (SELECT 1 FROM imports WHERE id = @id AND rejected = 0 AND other_phones = 0)
            """, ct, P("id", job.Id));
        PhoneCrmMetrics.ImportCompleted(job.Kind);
        logger.LogInformation("Import {ImportId} ({Kind}) completed", job.Id, job.Kind);
    }

    /// <summary>A batch ready for the database, with the lines it covers.</summary>
    private sealed record PreparedBatch(int FirstLine, int LastLine, int Rows, IImportBatch Work);

    private static async Task PrepareAsync(ImportFileReader reader, IImportBatches batches, int committedLine,
        ChannelWriter<PreparedBatch> output, CancellationToken ct)
    {
        try
        {
            foreach (var rows in batches.Split(reader.ReadRows()))
            {
                // Rows up to the checkpoint were committed by an earlier run: the handler sees them again, nothing more.
                var committed = 0;
                while (committed < rows.Count && rows[committed].Line <= committedLine) committed++;
                if (committed > 0) batches.Replay(committed == rows.Count ? rows : [.. rows.Take(committed)]);
                if (committed == rows.Count) continue;
                var fresh = committed == 0 ? rows : [.. rows.Skip(committed)];
                await output.WriteAsync(new PreparedBatch(fresh[0].Line, fresh[^1].Line, fresh.Count, batches.Prepare(fresh)), ct);
            }
        }
        finally
        {
            // Without an error: a failure (e.g. a malformed file) is rethrown where the producer is awaited, after the
            // batches before it are committed — as when reading and writing ran in turn.
            output.TryComplete();
        }
    }

    /// <summary>One batch, one transaction: the kind's records, rejections, counters and the checkpoint together.</summary>
    private async Task<bool> CommitAsync(NpgsqlConnection conn, ImportJob job, PreparedBatch batch, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var committedLine = (int)(await ScalarAsync(conn, "SELECT last_line FROM imports WHERE id = @id FOR UPDATE", ct, P("id", job.Id)))!;
        if (committedLine >= batch.LastLine) return true; // already committed by an earlier run
        if (committedLine >= batch.FirstLine)
        {
            // Another run committed part of this range with other batch edges: start over from its checkpoint.
            logger.LogWarning("Import {ImportId}: checkpoint moved to {Line}; resuming from there", job.Id, committedLine);
            return false;
        }

        var counts = await batch.Work.WriteAsync(conn, ct);
        if (counts.Rejected.Count > 0)
        {
            await ExecAsync(conn, """
                INSERT INTO import_rejections (tenant_id, import_id, line, value_enc, reason)
                SELECT app_current_tenant(), @import, l, v, r FROM unnest(@lines, @values, @reasons) AS x(l, v, r)
                ON CONFLICT DO NOTHING
                """, ct, P("import", job.Id), ArrayOf("lines", counts.Rejected.Select(r => r.Line)),
                ArrayOf("values", counts.Rejected.Select(r => pii.Encrypt(r.Value, job.TenantId, RejectionContext))),
                ArrayOf("reasons", counts.Rejected.Select(r => r.Reason)));
        }

        await ExecAsync(conn, """
            UPDATE imports SET processed_rows = processed_rows + @processed, created = created + @created,
              updated = updated + @updated, duplicates = duplicates + @duplicates, rejected = rejected + @rejected,
              other_phones = other_phones + @otherPhones, last_line = @last, updated_at = now()
            WHERE id = @id
            """, ct, P("processed", batch.Rows), P("created", counts.Created), P("updated", counts.Updated),
            P("duplicates", counts.Duplicates), P("rejected", counts.Rejected.Count), P("otherPhones", counts.OtherPhones), P("last", batch.LastLine), P("id", job.Id));
        await tx.CommitAsync(ct);
        PhoneCrmMetrics.ImportBatch(job.Kind, batch.Rows, counts.Rejected.Count);
        return true;
    }
}
