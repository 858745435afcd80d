using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
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
/// and its lines (<see cref="ImportCommittedBatch"/>), so a kill at any moment resumes with the lines no batch committed:
/// nothing lost or counted twice, also when batches commit in parallel and out of order. A session advisory lock keeps a
/// second worker off the same import.
/// </summary>
public sealed class ImportRun(
    PhoneCrmDbContext db,
    ImportFileStore files,
    IEnumerable<IImportRowHandler> handlers,
    PiiProtector pii,
    IConfiguration config,
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

        // Reading and preparing the next batches overlaps the database work: the file streams through a second
        // connection of the same tenant, the batches are written through the context's (which holds the lock) and, when
        // they commute, through more connections at once.
        var committed = await CommittedLinesAsync(conn, job, ct);
        await using var reading = await OpenTenantConnectionAsync(conn, job, ct);
        await using var stream = await files.OpenAsync(reading, job.Id, seekable, ct);
        using var reader = ImportFileReader.Open(stream, firstRowIsData: job.FirstRowIsData);
        var batches = await handler.BeginAsync(job, reader.Header.Fields, ct);
        // Batches that commute are written by one connection per core by default: the database's work per row dominates.
        var writers = handler.BatchesCommute ? Math.Clamp(config.GetValue("Imports:Writers", Environment.ProcessorCount), 1, 8) : 1;
        var prepared = Channel.CreateBounded<PreparedBatch>(new BoundedChannelOptions(PrefetchedBatches + writers - 1)
        {
            SingleReader = writers == 1,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(() => PrepareAsync(reader, batches, committed, prepared.Writer, stop.Token), stop.Token);
        bool finished;
        try
        {
            var writing = new List<Task<bool>> { WriteBatchesAsync(conn, own: false, job, prepared.Reader, stop) };
            for (var w = 1; w < writers; w++)
            {
                writing.Add(Task.Run(async () =>
                {
                    await using var own = await OpenTenantConnectionAsync(conn, job, stop.Token);
                    return await WriteBatchesAsync(own, own: true, job, prepared.Reader, stop);
                }, stop.Token));
            }

            finished = (await Task.WhenAll(writing)).All(done => done);
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
                // Stopped because the writers ended early.
            }
        }

        // A shutdown stops the writers quietly; the job itself must still end as cancelled, so that it is run again.
        ct.ThrowIfCancellationRequested();
        if (!finished) return;
        await ExecAsync(conn, """
            UPDATE imports SET status = 'Completed', completed_at = now(), updated_at = now(),
              last_line = greatest(last_line, (SELECT max(b.last_line) FROM import_batches b WHERE b.import_id = @id))
            WHERE id = @id;
            DELETE FROM import_batches WHERE import_id = @id;
            """, ct, P("id", job.Id));
        // The customer's file goes as soon as nothing needs it; the reports of rejected rows and of rows with several
        // numbers re-read it, so then it stays until ImportFilesExpiryJob (issue 12 item 5).
        await ExecAsync(conn, """
            DELETE FROM import_file_chunks WHERE import_id = @id
              AND EXISTS (SELECT 1 FROM imports WHERE id = @id AND rejected = 0 AND other_phones = 0)
            """, ct, P("id", job.Id));
        PhoneCrmMetrics.ImportCompleted(job.Kind);
        logger.LogInformation("Import {ImportId} ({Kind}) completed", job.Id, job.Kind);
    }

    /// <summary>A second connection of the run's tenant, for reading the file or writing batches beside the context's.</summary>
    private static async Task<NpgsqlConnection> OpenTenantConnectionAsync(NpgsqlConnection conn, ImportJob job, CancellationToken ct)
    {
        var opened = conn.CloneWith(conn.ConnectionString);
        try
        {
            await opened.OpenAsync(ct);
            await using var apply = TenantConnectionInterceptor.Apply(opened, job.TenantId, null);
            await apply.ExecuteNonQueryAsync(ct);
            return opened;
        }
        catch
        {
            await opened.DisposeAsync();
            throw;
        }
    }

    /// <summary>The lines earlier runs committed: every line up to <see cref="ImportJob.LastLine"/>, and the ranges of the
    /// batches committed beyond it (batches that commute commit out of order).</summary>
    private static async Task<CommittedLines> CommittedLinesAsync(NpgsqlConnection conn, ImportJob job, CancellationToken ct)
    {
        var ranges = new List<(int First, int Last)>();
        await using var cmd = new NpgsqlCommand(
            "SELECT first_line, last_line FROM import_batches WHERE import_id = @id AND last_line > @prefix ORDER BY first_line", conn);
        cmd.Parameters.Add(P("id", job.Id));
        cmd.Parameters.Add(P("prefix", job.LastLine));
        await using var rows = await cmd.ExecuteReaderAsync(ct);
        while (await rows.ReadAsync(ct)) ranges.Add((rows.GetInt32(0), rows.GetInt32(1)));
        return new CommittedLines(job.LastLine, ranges);
    }

    /// <summary>Which file lines have their outcome committed (lines only grow while the file is read).</summary>
    private sealed class CommittedLines(int prefix, List<(int First, int Last)> ranges)
    {
        private int _next;

        public bool Contains(int line)
        {
            if (line <= prefix) return true;
            while (_next < ranges.Count && ranges[_next].Last < line) _next++;
            return _next < ranges.Count && ranges[_next].First <= line;
        }
    }

    /// <summary>A batch ready for the database, with the lines it covers.</summary>
    private sealed record PreparedBatch(int FirstLine, int LastLine, int Rows, IImportBatch Work);

    private static async Task PrepareAsync(ImportFileReader reader, IImportBatches batches, CommittedLines committed,
        ChannelWriter<PreparedBatch> output, CancellationToken ct)
    {
        try
        {
            foreach (var rows in batches.Split(reader.ReadRows()))
            {
                // Rows an earlier run committed are shown to the handler again, nothing more; in file order with the
                // fresh ones, so "the first line of a number wins" holds across runs.
                foreach (var (done, run) in Runs(rows, committed))
                {
                    if (done) batches.Replay(run);
                    else await output.WriteAsync(new PreparedBatch(run[0].Line, run[^1].Line, run.Count, batches.Prepare(run)), ct);
                }
            }
        }
        finally
        {
            // Without an error: a failure (e.g. a malformed file) is rethrown where the producer is awaited, after the
            // batches before it are committed — as when reading and writing ran in turn.
            output.TryComplete();
        }
    }

    /// <summary>A batch cut into its longest runs of committed and of fresh rows, in order (usually the whole batch).</summary>
    private static IEnumerable<(bool Committed, IReadOnlyList<SourceRow> Rows)> Runs(IReadOnlyList<SourceRow> rows, CommittedLines committed)
    {
        var start = 0;
        var done = committed.Contains(rows[0].Line);
        for (var i = 1; i <= rows.Count; i++)
        {
            var next = i < rows.Count && committed.Contains(rows[i].Line);
            if (i < rows.Count && next == done) continue;
            yield return (done, start == 0 && i == rows.Count ? rows : [.. rows.Skip(start).Take(i - start)]);
            start = i;
            done = next;
        }
    }

    /// <summary>One writer: commits batches from the channel until it is empty; false when another run took over.</summary>
    private async Task<bool> WriteBatchesAsync(NpgsqlConnection conn, bool own, ImportJob job, ChannelReader<PreparedBatch> batches,
        CancellationTokenSource stop)
    {
        try
        {
            await foreach (var batch in batches.ReadAllAsync(stop.Token))
            {
                if (!await CommitAsync(conn, own, job, batch, stop.Token))
                {
                    await stop.CancelAsync();
                    return false;
                }
            }

            return true;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Another writer failed or stopped: its error (if any) is the one reported.
            return false;
        }
        catch
        {
            await stop.CancelAsync();
            throw;
        }
    }

    /// <summary>One batch, one transaction: the kind's records, rejections, counters and the batch's lines together.</summary>
    private async Task<bool> CommitAsync(NpgsqlConnection conn, bool own, ImportJob job, PreparedBatch batch, CancellationToken ct)
    {
        // The context's connection commits through the context (a kind may write through it); a writer's own connection
        // directly.
        await using var context = own ? null : await db.Database.BeginTransactionAsync(ct);
        await using var direct = own ? await conn.BeginTransactionAsync(ct) : null;
        var claimed = await ExecAsync(conn, """
            INSERT INTO import_batches (tenant_id, import_id, first_line, last_line)
            SELECT app_current_tenant(), @id, @first, @last
            WHERE NOT EXISTS (SELECT 1 FROM imports WHERE id = @id AND last_line >= @first)
              AND NOT EXISTS (SELECT 1 FROM import_batches WHERE import_id = @id AND first_line <= @last AND last_line >= @first)
            ON CONFLICT DO NOTHING
            """, ct, P("id", job.Id), P("first", batch.FirstLine), P("last", batch.LastLine));
        if (claimed == 0)
        {
            // Only a second run of the same import (the lock lost with its connection) commits lines this one has not.
            logger.LogWarning("Import {ImportId}: lines {First}-{Last} were committed by another run; stopping this one",
                job.Id, batch.FirstLine, batch.LastLine);
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
              other_phones = other_phones + @otherPhones, updated_at = now()
            WHERE id = @id
            """, ct, P("processed", batch.Rows), P("created", counts.Created), P("updated", counts.Updated),
            P("duplicates", counts.Duplicates), P("rejected", counts.Rejected.Count), P("otherPhones", counts.OtherPhones), P("id", job.Id));
        await (context is null ? direct!.CommitAsync(ct) : context.CommitAsync(ct));
        PhoneCrmMetrics.ImportBatch(job.Kind, batch.Rows, counts.Rejected.Count);
        return true;
    }
}
