using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Infrastructure.Contacts.Import;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Imports;
using PhoneCrm.Infrastructure.Protection;
using static PhoneCrm.Infrastructure.Database.Sql;

namespace PhoneCrm.Infrastructure.Events.Import;

/// <summary>
/// Runs one events file through the same machinery as contact imports (stored chunks, <see cref="ImportFileReader"/>,
/// the imports row for progress, import_rejections for the rejected-rows CSV) and records its events in batches with
/// <see cref="EventService.RecordManyAsync"/>, so the API's rules hold set-based: idempotent on externalId (a known id with
/// the same content counts as a duplicate, with other content it is rejected), stats recomputed for the touched
/// contacts, an unknown phone creates the contact with the import's source. Counts are per file line (an order over
/// three lines counts three). Each batch commits its events, rejections, counts and <see cref="ImportJob.LastLine"/> in
/// one transaction, so after a crash the import resumes after the last committed batch with exact counts.
/// </summary>
public sealed class EventImportProcessor(
    PhoneCrmDbContext db,
    ImportFileStore files,
    EventService events,
    PiiProtector pii,
    ILogger<EventImportProcessor> logger)
{
    public const int BatchEvents = 1000;

    public async Task RunAsync(Guid tenantId, Guid importId, CancellationToken ct = default)
    {
        db.Tenant.Set(tenantId);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            if (await ScalarAsync(conn, "SELECT pg_try_advisory_lock(hashtextextended(@id, 7))", ct, P("id", importId.ToString())) is not true)
                return;
            var job = await db.Set<ImportJob>().AsNoTracking().SingleOrDefaultAsync(i => i.Id == importId, ct);
            if (job is null || job.Status is ImportStatus.Completed or ImportStatus.Failed or ImportStatus.Draft) return;
            try
            {
                await ProcessAsync(conn, job, ct);
            }
            catch (ImportFormatException e)
            {
                await ExecAsync(conn, "UPDATE imports SET status = 'Failed', error = @e, completed_at = now(), updated_at = now() WHERE id = @id",
                    ct, P("e", e.Message), P("id", importId));
            }
        }
        finally
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            if (conn.State == System.Data.ConnectionState.Open) await ExecAsync(conn, "SELECT pg_advisory_unlock_all()", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    private sealed class Counters
    {
        public int Processed, Created, Duplicates, Rejected, LastLine;
    }

    private async Task ProcessAsync(NpgsqlConnection conn, ImportJob job, CancellationToken ct)
    {
        if (job.Status == ImportStatus.Queued || job.TotalRows == 0)
        {
            await using var counting = await files.OpenAsync(job.Id, seekable: false, ct);
            var total = ImportFileReader.CountDataRows(counting);
            await ExecAsync(conn, "UPDATE imports SET status = 'Running', total_rows = @total, started_at = coalesce(started_at, now()), updated_at = now() WHERE id = @id",
                ct, P("total", total), P("id", job.Id));
        }

        // Workbooks need seeking; CSV streams chunk by chunk (each chunk is one short query, between the batches).
        await using var stream = await files.OpenAsync(job.Id, seekable: await IsWorkbookAsync(job.Id, ct), ct);
        using var reader = ImportFileReader.Open(stream);
        var map = EventColumns.Resolve(reader.Header.Fields, job.Mapping);
        var missing = EventColumns.Required.Where(r => !map.ContainsKey(r)).ToList();
        if (missing.Count > 0) throw new ImportFormatException($"Required columns missing: {string.Join(", ", missing)}.");

        var batch = new List<List<SourceRow>>();
        var group = new List<SourceRow>();
        string? Key(SourceRow row) => map.TryGetValue(EventColumns.ExternalId, out var i) ? row.Field(i)?.Trim() : null;
        foreach (var row in reader.ReadRows())
        {
            if (row.Line <= job.LastLine) continue;
            if (group.Count > 0 && (string.IsNullOrEmpty(Key(row)) || Key(row) != Key(group[0])))
            {
                batch.Add(group);
                group = [];
                if (batch.Count == BatchEvents)
                {
                    await RecordBatchAsync(conn, job, map, batch, ct);
                    batch.Clear();
                }
            }

            group.Add(row);
        }

        if (group.Count > 0) batch.Add(group);
        if (batch.Count > 0) await RecordBatchAsync(conn, job, map, batch, ct);
        await ExecAsync(conn, "UPDATE imports SET status = 'Completed', completed_at = now(), updated_at = now() WHERE id = @id", ct, P("id", job.Id));
        logger.LogInformation("Events import {ImportId} completed", job.Id);
    }

    /// <summary>One transaction: the batch's events, its rejected lines, the counts and the line reached.</summary>
    private async Task RecordBatchAsync(NpgsqlConnection conn, ImportJob job, IReadOnlyDictionary<string, int> map, List<List<SourceRow>> groups,
        CancellationToken ct)
    {
        var counters = new Counters { LastLine = groups[^1][^1].Line };
        var inputs = new List<EventInput>();
        var reasons = new string?[groups.Count];
        var toRecord = new List<int>();
        for (var g = 0; g < groups.Count; g++)
        {
            var (input, error) = EventColumns.ToInput(groups[g], map);
            input.SourceChannel = job.SourceChannel;
            input.SourceDetail = ("events import: " + job.FileName)[..Math.Min(200, 15 + job.FileName.Length)];
            reasons[g] = error;
            if (error is not null) continue;
            inputs.Add(input);
            toRecord.Add(g);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var results = await events.RecordManyAsync(inputs, ct);
        for (var k = 0; k < results.Count; k++)
        {
            var g = toRecord[k];
            switch (results[k].Outcome)
            {
                case EventOutcome.Created:
                    counters.Created += groups[g].Count;
                    break;
                case EventOutcome.Duplicate:
                    counters.Duplicates += groups[g].Count;
                    break;
                case EventOutcome.Conflict:
                    reasons[g] = "external_id: already used by a different event.";
                    break;
                default:
                    reasons[g] = string.Join(" ", results[k].Errors.Select(e => $"{Column(e.Key)}: {string.Join(" ", e.Value)}"));
                    break;
            }
        }

        var rejected = new List<(int Line, byte[] Value, string Reason)>();
        for (var g = 0; g < groups.Count; g++)
        {
            counters.Processed += groups[g].Count;
            if (reasons[g] is not { } reason) continue;
            counters.Rejected += groups[g].Count;
            var phone = map.TryGetValue(EventColumns.Phone, out var p) ? groups[g][0].Field(p) : null;
            var value = pii.Encrypt(phone ?? "", ImportProcessor.ImportRejectionContext)!;
            rejected.AddRange(groups[g].Select(line => (line.Line, value, reason.Length > 1000 ? reason[..1000] : reason)));
        }

        if (rejected.Count > 0)
        {
            await ExecAsync(conn, """
                INSERT INTO import_rejections (tenant_id, import_id, line, value_enc, reason)
                SELECT @t, @i, u.line, u.value, u.reason FROM unnest(@lines, @values, @reasons) AS u(line, value, reason)
                ON CONFLICT DO NOTHING
                """, ct, P("t", job.TenantId), P("i", job.Id), P("lines", rejected.Select(r => r.Line).ToArray()),
                P("values", rejected.Select(r => r.Value).ToArray()), P("reasons", rejected.Select(r => r.Reason).ToArray()));
        }

        await CheckpointAsync(conn, job.Id, counters, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Adds the counts since the last checkpoint and moves <c>last_line</c>.</summary>
    private static async Task CheckpointAsync(NpgsqlConnection conn, Guid importId, Counters c, CancellationToken ct)
    {
        await ExecAsync(conn, """
            UPDATE imports SET processed_rows = processed_rows + @processed, created = created + @created, duplicates = duplicates + @duplicates,
                rejected = rejected + @rejected, last_line = @last, updated_at = now()
            WHERE id = @id
            """, ct, P("processed", c.Processed), P("created", c.Created), P("duplicates", c.Duplicates), P("rejected", c.Rejected),
            P("last", c.LastLine), P("id", importId));
        c.Processed = c.Created = c.Duplicates = c.Rejected = 0;
    }

    /// <summary>API field names in errors become the file's column names.</summary>
    private static string Column(string key) => key switch
    {
        "externalId" => EventColumns.ExternalId,
        "data.amount" => EventColumns.Amount,
        "data.items" => "items",
        _ => key,
    };

    private async Task<bool> IsWorkbookAsync(Guid importId, CancellationToken ct)
    {
        await using var s = await files.OpenAsync(importId, seekable: false, ct);
        var head = new byte[4];
        var n = await s.ReadAtLeastAsync(head, 4, throwOnEndOfStream: false, ct);
        return n == 4 && head.AsSpan().SequenceEqual("PK\u0003\u0004"u8);
    }
}
