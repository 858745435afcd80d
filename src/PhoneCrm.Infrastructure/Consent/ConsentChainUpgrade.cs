using Microsoft.Extensions.Logging;
using Npgsql;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Consent;

/// <summary>
/// Re-chains ledgers written before evidence digests (version 1: the hash covered the evidence itself, so no evidence
/// could ever be erased) into version 2 (the hash covers a salted digest of the evidence; docs/erasure.md). Run by the
/// migrator as the schema owner, once per tenant that still has version-1 records, in one transaction holding the
/// tenant's chain head: the version-1 chain is verified record by record first, and a broken one is left exactly as
/// it is (its verification keeps naming the broken record) and logged. Idempotent: an upgraded tenant has no
/// version-1 record left.
/// </summary>
public sealed class ConsentChainUpgrade(ILogger logger)
{
    private const int Chunk = 5000;

    public async Task RunAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(conn);
        var tenants = new List<Guid>();
        await using (var cmd = new NpgsqlCommand("SELECT id FROM tenants ORDER BY id", conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct)) tenants.Add(r.GetGuid(0));
        }

        foreach (var tenant in tenants)
        {
            // Row-level security is forced on the owner too: the tenant is set for the session while it is upgraded.
            await Sql.ExecAsync(conn, "SELECT set_config('app.tenant_id', @t, false)", ct, Sql.P("t", tenant.ToString()));
            if (await Sql.ScalarAsync(conn, "SELECT 1 FROM consent_records WHERE tenant_id = @t AND evidence_digest IS NULL LIMIT 1", ct,
                    Sql.P("t", tenant)) is null)
                continue;
            await UpgradeTenantAsync(conn, tenant, ct);
        }

        await Sql.ExecAsync(conn, "SELECT set_config('app.tenant_id', '', false)", ct);
    }

    private async Task UpgradeTenantAsync(NpgsqlConnection conn, Guid tenant, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        var head = await Sql.ScalarAsync(conn, "SELECT last_seq FROM consent_chain_heads WHERE tenant_id = @t FOR UPDATE", ct, Sql.P("t", tenant));
        var limit = head is long l ? l : long.MaxValue;
        var verifier = new ChainVerifier();
        var previous = ConsentChain.Genesis;
        long upgraded = 0;
        while (true)
        {
            var chunk = await ReadAsync(conn, tenant, verifier.LastSeq, limit, ct);
            foreach (var record in chunk)
            {
                if (!verifier.Accept(record.Fields(), record.PrevHash, record.Hash))
                {
                    logger.LogWarning("Consent ledger of tenant {Tenant} is broken at record {Seq}: left at version 1", tenant, record.Seq);
                    await tx.RollbackAsync(ct);
                    return;
                }

                if (record.EvidenceDigest is null) record.SealEvidence();
                record.PrevHash = previous;
                record.Hash = ConsentChain.Hash(previous, record.Fields());
                previous = record.Hash;
            }

            if (chunk.Count > 0)
            {
                upgraded += await Sql.ExecAsync(conn, """
                    UPDATE consent_records r SET evidence_salt = x.salt, evidence_digest = x.digest, prev_hash = x.prev, hash = x.hash
                    FROM unnest(@seqs, @salts, @digests, @prevs, @hashes) AS x(seq, salt, digest, prev, hash)
                    WHERE r.tenant_id = @t AND r.seq = x.seq
                    """, ct, Sql.P("t", tenant), Sql.ArrayOf("seqs", chunk.Select(c => c.Seq)),
                    Sql.ArrayOf("salts", chunk.Select(c => c.EvidenceSalt)), Sql.ArrayOf("digests", chunk.Select(c => c.EvidenceDigest)),
                    Sql.ArrayOf("prevs", chunk.Select(c => (byte[]?)c.PrevHash)), Sql.ArrayOf("hashes", chunk.Select(c => (byte[]?)c.Hash)));
            }

            if (chunk.Count < Chunk) break;
        }

        if (head is long last && last != verifier.LastSeq)
        {
            logger.LogWarning("Consent ledger of tenant {Tenant} ends at {Seq} but its head says {Head}: left at version 1", tenant,
                verifier.LastSeq, last);
            await tx.RollbackAsync(ct);
            return;
        }

        await Sql.ExecAsync(conn, "UPDATE consent_chain_heads SET last_hash = @h WHERE tenant_id = @t", ct, Sql.P("t", tenant),
            Sql.P("h", previous));
        await tx.CommitAsync(ct);
        logger.LogInformation("Consent ledger of tenant {Tenant} re-chained with evidence digests ({Count} records)", tenant, upgraded);
    }

    private static async Task<List<ConsentRecord>> ReadAsync(NpgsqlConnection conn, Guid tenant, long after, long limit, CancellationToken ct)
    {
        var result = new List<ConsentRecord>(Chunk);
        await using var cmd = new NpgsqlCommand("""
            SELECT seq, id, contact_id, purpose, channel, action, legal_basis, method, captured_at, recorded_at, ip, user_agent,
              source_url, text_version_id, text_hash, form_version, recording_id, paper_reference, expires_at, prev_hash, hash,
              evidence_salt, evidence_digest, evidence_erased_at
            FROM consent_records WHERE tenant_id = @t AND seq > @after AND seq <= @limit ORDER BY seq LIMIT @n
            """, conn);
        cmd.Parameters.Add(Sql.P("t", tenant));
        cmd.Parameters.Add(Sql.P("after", after));
        cmd.Parameters.Add(Sql.P("limit", limit));
        cmd.Parameters.Add(Sql.P("n", Chunk));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
            result.Add(new ConsentRecord
            {
                TenantId = tenant, Seq = r.GetInt64(0), Id = r.GetGuid(1), ContactId = r.GetGuid(2), Purpose = r.GetString(3),
                Channel = r.GetString(4), Action = r.GetString(5), LegalBasis = S(6), Method = r.GetString(7),
                CapturedAt = r.GetFieldValue<DateTimeOffset>(8), RecordedAt = r.GetFieldValue<DateTimeOffset>(9), Ip = S(10), UserAgent = S(11),
                SourceUrl = S(12), TextVersionId = r.IsDBNull(13) ? null : r.GetGuid(13), TextHash = S(14), FormVersion = S(15),
                RecordingId = S(16), PaperReference = S(17), ExpiresAt = r.IsDBNull(18) ? null : r.GetFieldValue<DateTimeOffset>(18),
                PrevHash = (byte[])r[19], Hash = (byte[])r[20], EvidenceSalt = r.IsDBNull(21) ? null : (byte[])r[21],
                EvidenceDigest = r.IsDBNull(22) ? null : (byte[])r[22],
                EvidenceErasedAt = r.IsDBNull(23) ? null : r.GetFieldValue<DateTimeOffset>(23),
            });
        }

        return result;
    }
}
