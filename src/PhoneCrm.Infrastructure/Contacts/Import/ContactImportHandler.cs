using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Imports;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Infrastructure.Requests;
using static PhoneCrm.Infrastructure.Database.Sql;

namespace PhoneCrm.Infrastructure.Contacts.Import;

/// <summary>
/// Contact files for <see cref="ImportRun"/>: rows are normalised in parallel batches (<see cref="ImportRowNormalizer"/>),
/// deduplicated within the file, encrypted and indexed ahead of the database; each batch is binary-COPYed into a
/// temporary staging table and merged with set-based SQL (imports only fill what is empty and unite tags).
/// </summary>
public sealed class ContactImportHandler(PhoneCrmDbContext db, PiiProtector pii, BlindIndex blind) : IImportRowHandler
{
    public const int BatchSize = 10_000;

    public string Kind => ImportKinds.Contacts;

    public IReadOnlyList<string> WrittenTables { get; } = ["contacts", "contact_search_tokens"];

    /// <summary>A number occurs in one batch only (the in-file duplicates are dropped while preparing, in file order), so
    /// no two batches touch the same contact.</summary>
    public bool BatchesCommute => true;

    public IReadOnlyList<string> Columns { get; } = [.. ImportFields.All.Select(f => f.Name())];

    public IReadOnlyList<string> RequiredColumns { get; } = [ImportField.Phone.Name()];

    public IReadOnlyDictionary<string, int> Detect(IReadOnlyList<string> header) =>
        ContactImportColumns.Detect(header).ToDictionary(d => d.Key.Name(), d => d.Value);

    public string? CheckHeader(IReadOnlyList<string> header) =>
        ContactImportColumns.Detect(header).ContainsKey(ImportField.Phone) ? null
            : "No phone column found in the header (expected e.g. 'phone' or 'телефон').";

    public async Task<IImportBatches> BeginAsync(ImportJob job, IReadOnlyList<string> header, CancellationToken ct)
    {
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == job.TenantId, ct);
        return new ContactFile(job, new ContactBatchPreparer(new ImportRowNormalizer(MappingFor(job, header), tenant.DefaultRegion), pii,
            blind.ForTenant(tenant.Id, tenant.BlindIndexVersion), tenant.TimeZone));
    }

    /// <summary>The wizard's mapping is the whole choice ("do not import" included); without one the header decides.</summary>
    /// <exception cref="ImportFormatException">No phone column.</exception>
    public static ColumnMapping MappingFor(ImportJob job, IReadOnlyList<string> header)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Mapping.Count == 0 ? ColumnMapper.Map(header)
            : new ColumnMapping(job.Mapping.Where(m => ImportFields.TryParse(m.Key, out _))
                .ToDictionary(m => { _ = ImportFields.TryParse(m.Key, out var f); return f; }, m => m.Value));
    }

    private sealed class ContactFile(ImportJob job, ContactBatchPreparer preparer) : IImportBatches
    {
        public IEnumerable<IReadOnlyList<SourceRow>> Split(IEnumerable<SourceRow> rows) => rows.Chunk(BatchSize);

        public void Replay(IReadOnlyList<SourceRow> committed) => preparer.Replay(committed);

        public IImportBatch Prepare(IReadOnlyList<SourceRow> rows)
        {
            var (staged, duplicates, rejected) = preparer.Prepare(rows);
            return new ContactBatch(job, staged, duplicates, rejected);
        }
    }

    /// <summary>One batch ready for the database: valid rows encrypted and indexed, in-file duplicates counted, rejections.</summary>
    private sealed record ContactBatch(ImportJob Job, StagedRow[] Staged, int Duplicates, RejectedRow[] Rejected) : IImportBatch
    {
        public async Task<ImportBatchCounts> WriteAsync(NpgsqlConnection conn, CancellationToken ct)
        {
            // The checkpoint commits with the rows, so a batch lost in a database crash is simply redone: no need to
            // wait for the WAL flush on every batch. The search-key trigger reads the batch's new rows from a transition
            // table (~8 MB for 10,000 contacts), which spilled to a temporary file at the default 4 MB work_mem.
            await ExecAsync(conn, "SET LOCAL synchronous_commit = off; SET LOCAL work_mem = '32MB'", ct);
            await ExecAsync(conn, """
                CREATE TEMP TABLE import_stage (
                  line int, id uuid, phone_index bytea, phone_suffix_index bytea, phone_cipher bytea, phone_type text, carrier text, phone_region text,
                  extension text, first_name_cipher bytea, last_name_cipher bytea, email_cipher bytea, email_index bytea,
                  first_tokens bytea[], last_tokens bytea[], city text, gender text, birth_date date, tags text[], time_zone text,
                  middle_name_cipher bytea, other_phones_cipher bytea
                ) ON COMMIT DROP
                """, ct);
            // An erased person's number is never imported again: its rows are rejected with the reason (the tombstone is
            // the tenant-keyed hash computed while staging, so no number is decrypted or sent to the database for this).
            var tombstoned = await TombstonedAsync(conn, ct);
            var staged = tombstoned.Count == 0 ? Staged : [.. Staged.Where(s => !tombstoned.Contains(s.Tombstone))];
            var rejected = tombstoned.Count == 0 ? Rejected
                : [.. Rejected, .. Staged.Where(s => tombstoned.Contains(s.Tombstone))
                    .Select(s => new RejectedRow(s.Line, s.Row.Phone.E164, ErasureTombstones.ImportRejection))];
            await CopyAsync(conn, staged, ct);

            var newInFile = staged.Length;
            // Numbers the tenant already had (usually none) are skipped here and merged below, where the rows just created
            // are told apart by their id; no RETURNING and no delete from the stage on the common path.
            var created = await ExecAsync(conn, """
                INSERT INTO contacts (tenant_id, id, phone_index, phone_suffix_index, phone_cipher, phone_type, carrier, phone_region, extension,
                  first_name_cipher, last_name_cipher, email_cipher, email_index, name_token_indexes, city, gender, birth_date,
                  tags, source_channel, source_detail, attributes, status, time_zone, created_at, updated_at,
                  middle_name_cipher, other_phones_cipher)
                SELECT app_current_tenant(), id, phone_index, phone_suffix_index, phone_cipher, phone_type, carrier, phone_region, extension,
                  first_name_cipher, last_name_cipher, email_cipher, email_index, first_tokens || last_tokens, city,
                  coalesce(gender, 'unknown'), birth_date, tags, @channel, @detail, '{}', 'active', time_zone, now(), now(),
                  middle_name_cipher, other_phones_cipher
                FROM import_stage
                ON CONFLICT (tenant_id, phone_index) DO NOTHING
                """, ct, P("channel", Job.SourceChannel), P("detail", Job.SourceDetail));
            // Merge rule for imports: incoming values only fill what is empty; tags are united.
            var updated = created == newInFile ? 0 : await ExecAsync(conn, """
                UPDATE contacts c SET
                  first_name_cipher = coalesce(c.first_name_cipher, s.first_name_cipher),
                  last_name_cipher = coalesce(c.last_name_cipher, s.last_name_cipher),
                  middle_name_cipher = coalesce(c.middle_name_cipher, s.middle_name_cipher),
                  other_phones_cipher = coalesce(c.other_phones_cipher, s.other_phones_cipher),
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
            return new ImportBatchCounts(created, updated, Duplicates, rejected)
            {
                OtherPhones = staged.Count(s => s.Row.OtherPhones.Count > 0),
            };
        }

        private async Task<HashSet<byte[]>> TombstonedAsync(NpgsqlConnection conn, CancellationToken ct)
        {
            var found = new HashSet<byte[]>(ByteArrayComparer.Instance);
            if (Staged.Length == 0) return found;
            await using var cmd = new NpgsqlCommand(
                "SELECT phone_hash FROM erasure_tombstones WHERE tenant_id = app_current_tenant() AND phone_hash = ANY(@hashes)", conn);
            cmd.Parameters.Add(Sql.ArrayOf("hashes", Staged.Select(s => s.Tombstone)));
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) found.Add((byte[])reader[0]);
            return found;
        }
    }

    internal sealed record StagedRow(int Line, Guid Id, byte[] PhoneIndex, byte[] PhoneSuffixIndex, byte[] PhoneCipher, NormalizedImportRow Row,
        byte[]? FirstName, byte[]? LastName, byte[]? Email, byte[]? EmailIndex, byte[][] FirstTokens, byte[][] LastTokens,
        string TimeZone, byte[]? MiddleName, byte[]? OtherPhones)
    {
        /// <summary>The number's erasure tombstone (<see cref="TenantBlindIndex.Tombstone"/>), to reject an erased person's number.</summary>
        public required byte[] Tombstone { get; init; }
    }

    /// <summary>Writes the batch into the stage. The fields go through the importer's synchronous writes: each awaited
    /// write cost as much as encoding its value (22 per row), and the importer only touches the socket when its buffer fills.</summary>
    /// <summary>The batch into the stage, field by field through the importer's synchronous writes: they only encode into
    /// its buffer (the socket is written when it fills), and an awaited write per field (22 a row) cost as much again.</summary>
    private static async Task CopyAsync(NpgsqlConnection conn, StagedRow[] rows, CancellationToken ct)
    {
        await using var writer = await conn.BeginBinaryImportAsync(
            "COPY import_stage (line, id, phone_index, phone_suffix_index, phone_cipher, phone_type, carrier, phone_region, extension, first_name_cipher, " +
            "last_name_cipher, email_cipher, email_index, first_tokens, last_tokens, city, gender, birth_date, tags, time_zone, " +
            "middle_name_cipher, other_phones_cipher) " +
            "FROM STDIN (FORMAT BINARY)", ct);
        foreach (var s in rows)
        {
            var r = s.Row;
            writer.StartRow();
            writer.Write(s.Line, NpgsqlDbType.Integer);
            writer.Write(s.Id, NpgsqlDbType.Uuid);
            writer.Write(s.PhoneIndex, NpgsqlDbType.Bytea);
            writer.Write(s.PhoneSuffixIndex, NpgsqlDbType.Bytea);
            writer.Write(s.PhoneCipher, NpgsqlDbType.Bytea);
            writer.Write(r.Phone.Type, NpgsqlDbType.Text);
            WriteNullable(writer, r.Phone.Carrier, NpgsqlDbType.Text);
            writer.Write(r.Phone.Region, NpgsqlDbType.Text);
            WriteNullable(writer, r.Phone.Extension, NpgsqlDbType.Text);
            WriteNullable(writer, s.FirstName, NpgsqlDbType.Bytea);
            WriteNullable(writer, s.LastName, NpgsqlDbType.Bytea);
            WriteNullable(writer, s.Email, NpgsqlDbType.Bytea);
            WriteNullable(writer, s.EmailIndex, NpgsqlDbType.Bytea);
            writer.Write(s.FirstTokens, NpgsqlDbType.Array | NpgsqlDbType.Bytea);
            writer.Write(s.LastTokens, NpgsqlDbType.Array | NpgsqlDbType.Bytea);
            WriteNullable(writer, r.City, NpgsqlDbType.Text);
            WriteNullable(writer, r.Gender, NpgsqlDbType.Text);
            if (r.BirthDate is { } birth) writer.Write(birth, NpgsqlDbType.Date);
            else writer.WriteNull();
            writer.Write(r.Tags.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
            writer.Write(s.TimeZone, NpgsqlDbType.Text);
            WriteNullable(writer, s.MiddleName, NpgsqlDbType.Bytea);
            WriteNullable(writer, s.OtherPhones, NpgsqlDbType.Bytea);
        }

        await writer.CompleteAsync(ct);
    }

    private static void WriteNullable<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type)
        where T : class
    {
        if (value is null) writer.WriteNull();
        else writer.Write(value, type);
    }
}
