using Microsoft.EntityFrameworkCore;
using Npgsql;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Imports;

/// <summary>
/// Keeps uploaded files in PostgreSQL (1 MiB chunks) so that any worker can pick an import up, also after a crash,
/// and reads them back as a forward-only stream without loading the whole file. Each chunk is sealed with the PII ring
/// (context <see cref="ChunkContext"/>): a customer's file is personal data at rest like any contact field (issue 12 item 5).
/// </summary>
public sealed class ImportFileStore(PhoneCrmDbContext db, PiiProtector protector)
{
    private const int ChunkSize = 1 << 20;
    public const string ChunkContext = "import_file_chunks.data";

    public async Task<long> SaveAsync(Guid importId, Stream upload, CancellationToken ct)
    {
        var tenantId = db.Tenant.RequireTenant();
        var buffer = new byte[ChunkSize];
        long total = 0;
        var chunkNo = 0;
        while (true)
        {
            var read = await upload.ReadAtLeastAsync(buffer, ChunkSize, throwOnEndOfStream: false, ct);
            if (read == 0) break;
            var data = protector.EncryptBytes(buffer.AsSpan(0, read), tenantId, ChunkContext);
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO import_file_chunks (tenant_id, import_id, chunk_no, data) VALUES ({tenantId}, {importId}, {chunkNo++}, {data})", ct);
            total += read;
            if (read < ChunkSize) break;
        }

        return total;
    }

    /// <summary>The file as a stream, read through the context's connection; for workbooks (which need seeking) the caller buffers it.</summary>
    public Task<Stream> OpenAsync(Guid importId, bool seekable, CancellationToken ct) =>
        BufferIfAsync(seekable, new ChunkStream(chunkNo =>
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            var opened = conn.State != System.Data.ConnectionState.Open;
            if (opened) db.Database.OpenConnection();
            try
            {
                return ReadChunk(conn, importId, chunkNo);
            }
            finally
            {
                if (opened) db.Database.CloseConnection();
            }
        }), ct);

    /// <summary>The file read through <paramref name="connection"/> (open, tenant set), for a reader beside the context's work.</summary>
    public Task<Stream> OpenAsync(NpgsqlConnection connection, Guid importId, bool seekable, CancellationToken ct) =>
        BufferIfAsync(seekable, new ChunkStream(chunkNo => ReadChunk(connection, importId, chunkNo)), ct);

    private static async Task<Stream> BufferIfAsync(bool seekable, Stream stream, CancellationToken ct)
    {
        if (!seekable) return stream;
        var memory = new MemoryStream();
        await stream.CopyToAsync(memory, ct);
        memory.Position = 0;
        return memory;
    }

    private byte[] ReadChunk(NpgsqlConnection conn, Guid importId, int chunkNo)
    {
        using var cmd = new NpgsqlCommand("SELECT tenant_id, data FROM import_file_chunks WHERE import_id = @id AND chunk_no = @n", conn);
        cmd.Parameters.AddWithValue("id", importId);
        cmd.Parameters.AddWithValue("n", chunkNo);
        using var reader = cmd.ExecuteReader();
        if (!reader.Read()) return [];
        var tenantId = reader.GetGuid(0);
        var chunk = reader.GetFieldValue<byte[]>(1);
        // A chunk stored before chunks were sealed (an upload in flight at the upgrade) is read as it is.
        return protector.KeyIdOf(chunk) is null ? chunk : protector.DecryptBytes(chunk, tenantId, ChunkContext);
    }

    /// <summary>An XLSX workbook (a ZIP), which the reader needs seekable, rather than a CSV.</summary>
    public async Task<bool> IsWorkbookAsync(Guid importId, CancellationToken ct)
    {
        await using var s = await OpenAsync(importId, seekable: false, ct);
        var head = new byte[4];
        var n = await s.ReadAtLeastAsync(head, 4, throwOnEndOfStream: false, ct);
        return n == 4 && head.AsSpan().SequenceEqual("PK\u0003\u0004"u8);
    }

    public async Task DeleteAsync(Guid importId, CancellationToken ct) =>
        await db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM import_file_chunks WHERE import_id = {importId}", ct);

    /// <summary>The chunks in order as one forward-only stream; <c>readChunk</c> gives chunk n, or nothing after the last.</summary>
    private sealed class ChunkStream(Func<int, byte[]> readChunk) : ForwardOnlyStream
    {
        private byte[] _current = [];
        private int _offset;
        private int _next;
        private bool _ended;

        public override int Read(Span<byte> buffer)
        {
            if (_offset >= _current.Length && !LoadNext()) return 0;
            var n = Math.Min(buffer.Length, _current.Length - _offset);
            _current.AsSpan(_offset, n).CopyTo(buffer);
            _offset += n;
            return n;
        }

        private bool LoadNext()
        {
            if (_ended) return false;
            _current = readChunk(_next++);
            _offset = 0;
            _ended = _current.Length == 0;
            return !_ended;
        }
    }
}
