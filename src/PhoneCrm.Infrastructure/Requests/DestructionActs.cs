using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Audit;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Requests;

/// <summary>One line of an act's event-log extract (api-v1 <c>logExtract[]</c>).</summary>
public sealed record ActLogLine(
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("details")] string? Details);

/// <summary>An act as the API, the page and the PDF show it, the subject's name decrypted.</summary>
public sealed record DestructionActView(
    Guid Id, string Number, string OperatorName, string OperatorAddress, string? SubjectFullName, IReadOnlyList<string> Categories,
    string InformationSystem, string Reason, Guid? RequestId, string Method, DateTimeOffset DestroyedAt, string DestroyedBy,
    IReadOnlyList<ActLogLine> LogExtract);

/// <summary>A row of the Compliance page's list (no personal data: the subject's name is shown only on the act itself).</summary>
public sealed record DestructionActRow(Guid Id, string Number, string Reason, Guid? RequestId, DateTimeOffset DestroyedAt, string DestroyedBy,
    IReadOnlyList<string> Categories);

/// <summary>
/// Acts of destruction (Order No. 179): numbered <c>ACT-YYYY-NNNNNN</c> per tenant and year, written in the transaction
/// of the destruction they prove, read by the API, the Compliance page and the PDF, purged after three years.
/// </summary>
public sealed class DestructionActs(PhoneCrmDbContext db, PiiProtector pii, AuditLog audit, OperatorSettings operators, TimeProvider clock)
{
    public const string SubjectNameContext = "destruction_act.subject_name";

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Numbers and stores an act inside the caller's transaction. The number is the next of the tenant's year under a
    /// transaction-scoped advisory lock, so concurrent destructions never share or skip one.
    /// </summary>
    public async Task<DestructionAct> CreateAsync(Guid? contactId, string? subjectFullName, IReadOnlyList<string> categories,
        DestructionReason reason, Guid? requestId, string method, string destroyedBy, IReadOnlyList<ActLogLine> logExtract,
        DateTimeOffset destroyedAt, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("An act is written in the transaction of the destruction it proves.");
        var tenantId = db.Tenant.RequireTenant();
        var year = destroyedAt.UtcDateTime.Year;
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"SELECT pg_advisory_xact_lock(hashtextextended({"destruction_acts:" + tenantId + ":" + year}, 0))", ct);
        var seq = await db.DestructionActs.Where(a => a.Year == year).MaxAsync(a => (int?)a.Seq, ct) ?? 0;
        var op = await operators.CurrentAsync(ct);
        var act = new DestructionAct
        {
            Year = year, Seq = seq + 1, ContactId = contactId, OperatorName = op.Name, OperatorAddress = op.Address,
            SubjectNameCipher = pii.Encrypt(string.IsNullOrWhiteSpace(subjectFullName) ? null : subjectFullName, db.Tenant.RequireTenant(), SubjectNameContext),
            Categories = [.. categories], Reason = reason.Wire(), RequestId = requestId, Method = method, DestroyedAt = destroyedAt,
            DestroyedBy = destroyedBy, LogExtract = JsonSerializer.Serialize(logExtract, _json),
        };
        db.DestructionActs.Add(act);
        await db.SaveChangesAsync(ct);
        return act;
    }

    public async Task<Guid?> ForContactAsync(Guid contactId, CancellationToken ct) =>
        await db.DestructionActs.AsNoTracking().Where(a => a.ContactId == contactId).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct);

    /// <summary>The act with the subject's name decrypted (an audited read of personal data); null when unknown here.</summary>
    public async Task<DestructionActView?> GetAsync(Guid id, string channel, CancellationToken ct = default)
    {
        var act = await db.DestructionActs.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct);
        if (act is null) return null;
        await audit.WriteAsync(AuditActions.Read, "destruction_act", id.ToString(), $"channel={channel};number={act.Number}", ct);
        return new DestructionActView(act.Id, act.Number, act.OperatorName, act.OperatorAddress,
            pii.Decrypt(act.SubjectNameCipher, db.Tenant.RequireTenant(), SubjectNameContext), act.Categories, act.InformationSystem, act.Reason, act.RequestId,
            act.Method, act.DestroyedAt, act.DestroyedBy,
            JsonSerializer.Deserialize<List<ActLogLine>>(act.LogExtract, _json) ?? []);
    }

    /// <summary>The newest acts first (the Compliance page).</summary>
    public async Task<IReadOnlyList<DestructionActRow>> ListAsync(int limit, CancellationToken ct = default) =>
        await db.DestructionActs.AsNoTracking().OrderByDescending(a => a.DestroyedAt).ThenByDescending(a => a.Id).Take(limit)
            .Select(a => new DestructionActRow(a.Id, DestructionAct.Format(a.Year, a.Seq), a.Reason, a.RequestId, a.DestroyedAt,
                a.DestroyedBy, a.Categories))
            .ToListAsync(ct);

    /// <summary>Deletes the tenant's acts kept longer than three years; returns how many.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken ct = default)
    {
        var cutoff = clock.GetUtcNow() - DestructionAct.KeptFor;
        var purged = await db.DestructionActs.Where(a => a.DestroyedAt < cutoff).ExecuteDeleteAsync(ct);
        if (purged > 0)
            await audit.WriteAsync(AuditActions.Delete, "destruction_act", null, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"purged={purged};keptFor=3y;before={cutoff:O}"), ct);
        return purged;
    }
}
