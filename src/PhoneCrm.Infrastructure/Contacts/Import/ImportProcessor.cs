using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Imports;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Contacts.Import;

/// <summary>
/// Runs one import: streams the stored file, normalises rows in parallel batches, encrypts, binary-COPYs each batch
/// into a temporary staging table and merges it with set-based SQL. Each batch commits together with the import's
/// counters and <see cref="ImportJob.LastLine"/>, so a kill at any moment resumes after the last committed batch with
/// nothing lost or counted twice. A session advisory lock keeps a second worker off the same import.
/// </summary>
public sealed class ImportProcessor(
    PhoneCrmDbContext db,
    ImportFileStore files,
    PiiProtector pii,
    BlindIndex blind,
    ILogger<ImportProcessor> logger)
{
    public const int DefaultBatchSize = 10_000;

    public int BatchSize { get; init; } = DefaultBatchSize;

    public async Task RunAsync(Guid tenantId, Guid importId, CancellationToken ct = default)
    {
        db.Tenant.Set(tenantId);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            if (!await TryLockAsync(conn, importId, ct))
            {
                logger.LogInformation("Import {ImportId} is being processed elsewhere", importId);
                return;
            }

            var job = await db.Set<ImportJob>().AsNoTracking().SingleOrDefaultAsync(i => i.Id == importId, ct);
            if (job is null || job.Status is ImportStatus.Completed or ImportStatus.Failed or ImportStatus.Draft) return;
            try
            {
                await ProcessAsync(conn, job, ct);
            }
            catch (ImportFormatException e)
            {
                await FailAsync(importId, e.Message, ct);
            }
        }
        finally
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            if (conn.State == System.Data.ConnectionState.Open)
                await ExecAsync(conn, "SELECT pg_advisory_unlock_all()", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task ProcessAsync(NpgsqlConnection conn, ImportJob job, CancellationToken ct)
    {
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == job.TenantId, ct);
        var seekable = await IsWorkbookAsync(job.Id, ct);
        if (job.Status == ImportStatus.Queued || job.TotalRows == 0)
        {
            await using var counting = await files.OpenAsync(job.Id, seekable, ct);
            var total = ImportFileReader.CountDataRows(counting);
            await ExecAsync(conn, "UPDATE imports SET status = 'Running', total_rows = @total, started_at = coalesce(started_at, now()), updated_at = now() WHERE id = @id",
                ct, ("total", total), ("id", job.Id));
        }

        await using var stream = await files.OpenAsync(job.Id, seekable, ct);
        using var reader = ImportFileReader.Open(stream);
        var mapping = ColumnMapper.Map(reader.Header.Fields, job.Mapping.Count == 0 ? null
            : job.Mapping.Where(m => ImportFields.TryParse(m.Key, out _))
                .ToDictionary(m => { ImportFields.TryParse(m.Key, out var f); return f; }, m => m.Value));
        var normalizer = new ImportRowNormalizer(mapping, tenant.DefaultRegion);

        // Reading, normalising and encrypting batch N+1 overlaps the database work of batch N. The reader streams the
        // file through this context's connection, so the batches are written through a second connection of the same
        // tenant; the advisory lock stays with the first one for the whole run.
        var prepared = Channel.CreateBounded<PreparedBatch>(new BoundedChannelOptions(PrefetchedBatches)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(() => PrepareBatchesAsync(reader, normalizer, job.LastLine, tenant.TimeZone, prepared.Writer, stop.Token), stop.Token);
        try
        {
            await using var work = conn.CloneWith(conn.ConnectionString);
            await work.OpenAsync(ct);
            await using (var apply = TenantConnectionInterceptor.Apply(work, job.TenantId, null))
            {
                await apply.ExecuteNonQueryAsync(ct);
            }

            await foreach (var batch in prepared.Reader.ReadAllAsync(ct))
            {
                if (!await CommitBatchAsync(work, job, batch, ct)) return;
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

        await ExecAsync(conn, "UPDATE imports SET status = 'Completed', completed_at = now(), updated_at = now() WHERE id = @id", ct, ("id", job.Id));
        logger.LogInformation("Import {ImportId} completed", job.Id);
    }

    private const int PrefetchedBatches = 2;

    /// <summary>One batch ready for the database: rows normalised, valid ones encrypted and indexed, rejections encrypted.</summary>
    private sealed record PreparedBatch(int FirstLine, int LastLine, int Rows, StagedRow[] Staged, int Duplicates,
        int[] RejectedLines, byte[][] RejectedValues, string[] RejectedReasons);

    private async Task PrepareBatchesAsync(ImportFileReader reader, ImportRowNormalizer normalizer, int lastCommittedLine,
        string tenantZone, ChannelWriter<PreparedBatch> output, CancellationToken ct)
    {
        try
        {
            // "Duplicate within the file" depends only on the file, so after a restart the numbers of the committed
            // lines are simply read again instead of being tracked row by row in the database.
            var seen = new InFileDuplicateFilter();
            var batch = new List<SourceRow>(BatchSize);
            foreach (var row in reader.ReadRows())
            {
                batch.Add(row);
                if (batch.Count < BatchSize) continue;
                await FlushAsync();
            }

            await FlushAsync();

            async Task FlushAsync()
            {
                if (batch.Count == 0) return;
                var committed = batch.TakeWhile(r => r.Line <= lastCommittedLine).ToList();
                if (committed.Count > 0)
                {
                    foreach (var done in normalizer.NormalizeBatch(committed).OfType<NormalizedImportRow>()) seen.Add(done.Phone);
                    batch.RemoveRange(0, committed.Count);
                }

                if (batch.Count > 0) await output.WriteAsync(Prepare(normalizer, batch, tenantZone, seen), ct);
                batch = new List<SourceRow>(BatchSize);
            }
        }
        finally
        {
            // Without an error: a failure (e.g. a malformed file) is rethrown where the producer is awaited, after the
            // batches before it are committed — as when reading and writing ran in turn.
            output.TryComplete();
        }
    }

    private PreparedBatch Prepare(ImportRowNormalizer normalizer, List<SourceRow> rows, string tenantZone, InFileDuplicateFilter seen)
    {
        var results = normalizer.NormalizeBatch(rows);
        var normalized = results.OfType<NormalizedImportRow>().ToList();
        var valid = normalized.Where(r => seen.Add(r.Phone)).ToList(); // in file order: the first line of a number wins
        var rejected = results.OfType<RejectedRow>().ToList();
        var staged = new StagedRow[valid.Count];
        Parallel.For(0, valid.Count, i => staged[i] = Stage(valid[i], tenantZone));
        return new PreparedBatch(rows[0].Line, rows[^1].Line, rows.Count, staged, normalized.Count - valid.Count,
            [.. rejected.Select(r => r.Line)], [.. rejected.Select(r => pii.Encrypt(r.Value, ImportRejectionContext)!)],
            [.. rejected.Select(r => r.Reason)]);
    }

    /// <summary>One batch, one transaction: staging, dedupe, merge, rejections and the checkpoint together.</summary>
    private async Task<bool> CommitBatchAsync(NpgsqlConnection conn, ImportJob job, PreparedBatch batch, CancellationToken ct)
    {
        var staged = batch.Staged;
        var firstLine = batch.FirstLine;
        var lastLine = batch.LastLine;

        await using var tx = await conn.BeginTransactionAsync(ct);
        // The checkpoint commits with the rows, so a batch lost in a database crash is simply redone: no need to wait
        // for the WAL flush on every batch.
        await ExecAsync(conn, "SET LOCAL synchronous_commit = off", ct);
        var committedLine = (int)(await ScalarAsync(conn, "SELECT last_line FROM imports WHERE id = @id FOR UPDATE", ct, ("id", job.Id)))!;
        if (committedLine >= lastLine) return true; // already committed by an earlier run
        if (committedLine >= firstLine)
        {
            // Another run committed part of this range with other batch edges: start over from its checkpoint.
            logger.LogWarning("Import {ImportId}: checkpoint moved to {Line}; resuming from there", job.Id, committedLine);
            return false;
        }

        await ExecAsync(conn, """
            CREATE TEMP TABLE import_stage (
              line int, id uuid, phone_index bytea, phone_cipher bytea, phone_type text, carrier text, phone_region text,
              extension text, first_name_cipher bytea, last_name_cipher bytea, email_cipher bytea, email_index bytea,
              first_tokens bytea[], last_tokens bytea[], city text, gender text, birth_date date, tags text[], time_zone text
            ) ON COMMIT DROP
            """, ct);
        await CopyAsync(conn, staged, ct);

        var duplicates = batch.Duplicates;
        var newInFile = staged.Length;
        // The created rows leave the stage, so what remains are the numbers the tenant already had (usually none).
        var created = await ExecAsync(conn, """
            WITH created AS (
            INSERT INTO contacts (tenant_id, id, phone_index, phone_cipher, phone_type, carrier, phone_region, extension,
              first_name_cipher, last_name_cipher, email_cipher, email_index, name_token_indexes, city, gender, birth_date,
              tags, source_channel, source_detail, attributes, status, time_zone, created_at, updated_at)
            SELECT app_current_tenant(), id, phone_index, phone_cipher, phone_type, carrier, phone_region, extension,
              first_name_cipher, last_name_cipher, email_cipher, email_index, first_tokens || last_tokens, city,
              coalesce(gender, 'unknown'), birth_date, tags, @channel, @detail, '{}', 'active', time_zone, now(), now()
            FROM import_stage
            ON CONFLICT (tenant_id, phone_index) DO NOTHING
            RETURNING phone_index)
            DELETE FROM import_stage s USING created c WHERE s.phone_index = c.phone_index
            """, ct, ("channel", job.SourceChannel), ("detail", (object?)job.SourceDetail ?? DBNull.Value));
        // Merge rule for imports: incoming values only fill what is empty; tags are united.
        var updated = created == newInFile ? 0 : await ExecAsync(conn, """
            UPDATE contacts c SET
              first_name_cipher = coalesce(c.first_name_cipher, s.first_name_cipher),
              last_name_cipher = coalesce(c.last_name_cipher, s.last_name_cipher),
              name_token_indexes = c.name_token_indexes
                || CASE WHEN c.first_name_cipher IS NULL THEN s.first_tokens ELSE '{}' END
                || CASE WHEN c.last_name_cipher IS NULL THEN s.last_tokens ELSE '{}' END,
              email_cipher = coalesce(c.email_cipher, s.email_cipher),
              email_index = CASE WHEN c.email_cipher IS NULL THEN s.email_index ELSE c.email_index END,
              city = coalesce(c.city, s.city),
              time_zone = CASE WHEN c.city IS NULL AND s.city IS NOT NULL THEN s.time_zone ELSE c.time_zone END,
              gender = CASE WHEN c.gender = 'unknown' AND s.gender IS NOT NULL THEN s.gender ELSE c.gender END,
              birth_date = coalesce(c.birth_date, s.birth_date),
              extension = coalesce(c.extension, s.extension),
              tags = ARRAY(SELECT DISTINCT t FROM unnest(c.tags || s.tags) t ORDER BY t),
              updated_at = now()
            FROM import_stage s
            WHERE c.phone_index = s.phone_index AND c.id <> s.id
            """, ct);
        if (batch.RejectedLines.Length > 0)
        {
            await ExecAsync(conn, """
                INSERT INTO import_rejections (tenant_id, import_id, line, value_enc, reason)
                SELECT app_current_tenant(), @import, l, v, r FROM unnest(@lines, @values, @reasons) AS x(l, v, r)
                ON CONFLICT DO NOTHING
                """, ct, ("import", job.Id), ("lines", batch.RejectedLines), ("values", batch.RejectedValues), ("reasons", batch.RejectedReasons));
        }

        await ExecAsync(conn, """
            UPDATE imports SET processed_rows = processed_rows + @processed, created = created + @created,
              updated = updated + @updated, duplicates = duplicates + @duplicates, rejected = rejected + @rejected,
              last_line = @last, updated_at = now()
            WHERE id = @id
            """, ct, ("processed", batch.Rows), ("created", created), ("updated", updated),
            ("duplicates", duplicates), ("rejected", batch.RejectedLines.Length), ("last", lastLine), ("id", job.Id));
        await tx.CommitAsync(ct);
        return true;
    }

    public const string ImportRejectionContext = "import_rejection.value";

    private sealed record StagedRow(int Line, Guid Id, byte[] PhoneIndex, byte[] PhoneCipher, NormalizedImportRow Row,
        byte[]? FirstName, byte[]? LastName, byte[]? Email, byte[]? EmailIndex, byte[][] FirstTokens, byte[][] LastTokens,
        string TimeZone);

    private StagedRow Stage(NormalizedImportRow r, string tenantZone) => new(
        r.Line,
        Guid.CreateVersion7(),
        blind.Phone(r.Phone.E164),
        pii.Encrypt(r.Phone.E164, ContactService.PhoneContext)!,
        r,
        pii.Encrypt(r.FirstName, ContactService.FirstNameContext),
        pii.Encrypt(r.LastName, ContactService.LastNameContext),
        pii.Encrypt(r.Email, ContactService.EmailContext),
        r.Email is null ? null : blind.Email(r.Email),
        [.. blind.NameTokens(r.FirstName, null)],
        [.. blind.NameTokens(null, r.LastName)],
        TimeZoneResolver.Default.Resolve(r.City, null, r.Phone.E164, tenantZone).TimeZone);

    private static async Task CopyAsync(NpgsqlConnection conn, StagedRow[] rows, CancellationToken ct)
    {
        await using var writer = await conn.BeginBinaryImportAsync(
            "COPY import_stage (line, id, phone_index, phone_cipher, phone_type, carrier, phone_region, extension, first_name_cipher, " +
            "last_name_cipher, email_cipher, email_index, first_tokens, last_tokens, city, gender, birth_date, tags, time_zone) " +
            "FROM STDIN (FORMAT BINARY)", ct);
        foreach (var s in rows)
        {
            var r = s.Row;
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(s.Line, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(s.Id, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(s.PhoneIndex, NpgsqlDbType.Bytea, ct);
            await writer.WriteAsync(s.PhoneCipher, NpgsqlDbType.Bytea, ct);
            await writer.WriteAsync(r.Phone.Type, NpgsqlDbType.Text, ct);
            await WriteNullableAsync(writer, r.Phone.Carrier, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(r.Phone.Region, NpgsqlDbType.Text, ct);
            await WriteNullableAsync(writer, r.Phone.Extension, NpgsqlDbType.Text, ct);
            await WriteNullableAsync(writer, s.FirstName, NpgsqlDbType.Bytea, ct);
            await WriteNullableAsync(writer, s.LastName, NpgsqlDbType.Bytea, ct);
            await WriteNullableAsync(writer, s.Email, NpgsqlDbType.Bytea, ct);
            await WriteNullableAsync(writer, s.EmailIndex, NpgsqlDbType.Bytea, ct);
            await writer.WriteAsync(s.FirstTokens, NpgsqlDbType.Array | NpgsqlDbType.Bytea, ct);
            await writer.WriteAsync(s.LastTokens, NpgsqlDbType.Array | NpgsqlDbType.Bytea, ct);
            await WriteNullableAsync(writer, r.City, NpgsqlDbType.Text, ct);
            await WriteNullableAsync(writer, r.Gender, NpgsqlDbType.Text, ct);
            if (r.BirthDate is { } birth) await writer.WriteAsync(birth, NpgsqlDbType.Date, ct);
            else await writer.WriteNullAsync(ct);
            await writer.WriteAsync(r.Tags.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
            await writer.WriteAsync(s.TimeZone, NpgsqlDbType.Text, ct);
        }

        await writer.CompleteAsync(ct);
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type, CancellationToken ct)
        where T : class =>
        value is null ? writer.WriteNullAsync(ct) : writer.WriteAsync(value, type, ct);

    private async Task<bool> IsWorkbookAsync(Guid importId, CancellationToken ct)
    {
        await using var s = await files.OpenAsync(importId, seekable: false, ct);
        var head = new byte[4];
        var n = await s.ReadAtLeastAsync(head, 4, throwOnEndOfStream: false, ct);
        return n == 4 && head.AsSpan().SequenceEqual("PK\u0003\u0004"u8);
    }

    private async Task FailAsync(Guid importId, string error, CancellationToken ct)
    {
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        await ExecAsync(conn, "UPDATE imports SET status = 'Failed', error = @e, completed_at = now(), updated_at = now() WHERE id = @id",
            ct, ("e", error), ("id", importId));
    }

    /// <summary>Only one worker per import; released automatically if the process dies (the session ends).</summary>
    private static async Task<bool> TryLockAsync(NpgsqlConnection conn, Guid importId, CancellationToken ct) =>
        (bool)(await ScalarAsync(conn, "SELECT pg_try_advisory_lock(hashtextextended(@id, 7))", ct, ("id", importId.ToString())))!;

    private static async Task<int> ExecAsync(NpgsqlConnection conn, string sql, CancellationToken ct, params (string Name, object Value)[] ps)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var (name, value) in ps) cmd.Parameters.AddWithValue(name, value);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection conn, string sql, CancellationToken ct, params (string Name, object Value)[] ps)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var (name, value) in ps) cmd.Parameters.AddWithValue(name, value);
        return await cmd.ExecuteScalarAsync(ct);
    }
}
