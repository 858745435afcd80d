using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Consent;

/// <summary>Consent text versions: created whole, never edited (a change is a new version), stored with their hash.</summary>
public sealed class ConsentTexts(PhoneCrmDbContext db, ConsentPurposes purposes, TimeProvider clock)
{
    public const int PartMax = 4000;
    public const int BodyMax = 20000;

    /// <summary>Errors are keyed by the <see cref="ConsentTextContent"/> property names (and <c>PurposeCodes</c>).</summary>
    public async Task<(ConsentTextVersion? Version, IReadOnlyDictionary<string, string> Errors)> CreateAsync(
        ConsentTextContent content, IReadOnlyList<string> purposeCodes, CancellationToken ct = default)
    {
        var trimmed = new ConsentTextContent(content.OperatorName.Trim(), content.OperatorAddress.Trim(), content.Purposes.Trim(),
            content.DataList.Trim(), content.ActionsAndMethods.Trim(), content.Term.Trim(), content.Withdrawal.Trim(), content.Body.Trim());
        var errors = trimmed.Missing().ToDictionary(m => m.Key, m => m.Value);
        foreach (var (name, value) in Parts(trimmed))
        {
            if (value.Length > (name == nameof(ConsentTextContent.Body) ? BodyMax : PartMax)) errors[name] = "too long";
        }

        var known = (await purposes.ListAsync(ct)).Select(p => p.Code).ToHashSet(StringComparer.Ordinal);
        if (purposeCodes.Count == 0) errors["PurposeCodes"] = "the purposes this text covers";
        else if (purposeCodes.Any(c => !known.Contains(c))) errors["PurposeCodes"] = "known purposes only";
        if (errors.Count > 0) return (null, errors);

        var version = new ConsentTextVersion
        {
            PurposeCodes = purposeCodes.Distinct(StringComparer.Ordinal).ToList(),
            OperatorName = trimmed.OperatorName, OperatorAddress = trimmed.OperatorAddress, Purposes = trimmed.Purposes,
            DataList = trimmed.DataList, ActionsAndMethods = trimmed.ActionsAndMethods, Term = trimmed.Term,
            Withdrawal = trimmed.Withdrawal, Body = trimmed.Body, Hash = trimmed.Hash(), CreatedAt = clock.GetUtcNow(),
        };
        db.ConsentTextVersions.Add(version);
        await db.SaveChangesAsync(ct);
        return (version, errors);
    }

    public async Task<IReadOnlyList<ConsentTextVersion>> ListAsync(CancellationToken ct = default) =>
        await db.ConsentTextVersions.AsNoTracking().OrderByDescending(v => v.CreatedAt).ToListAsync(ct);

    public async Task<IReadOnlyList<ConsentTextVersion>> GetManyAsync(IEnumerable<Guid> ids, CancellationToken ct = default)
    {
        var list = ids.Distinct().ToList();
        return await db.ConsentTextVersions.AsNoTracking().Where(v => list.Contains(v.Id)).ToListAsync(ct);
    }

    private static IEnumerable<(string, string)> Parts(ConsentTextContent c) =>
    [
        (nameof(c.OperatorName), c.OperatorName), (nameof(c.OperatorAddress), c.OperatorAddress), (nameof(c.Purposes), c.Purposes),
        (nameof(c.DataList), c.DataList), (nameof(c.ActionsAndMethods), c.ActionsAndMethods), (nameof(c.Term), c.Term),
        (nameof(c.Withdrawal), c.Withdrawal), (nameof(c.Body), c.Body),
    ];
}
