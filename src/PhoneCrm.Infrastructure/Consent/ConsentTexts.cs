using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Consent;

/// <summary>Consent text versions: created whole, never edited (a change is a new version), stored with their hash.</summary>
public sealed class ConsentTexts(PhoneCrmDbContext db, ConsentPurposes purposes, TimeProvider clock)
{
    public const int PartMax = 4000;
    public const int BodyMax = 20000;

    /// <summary>Errors as <see cref="ConsentTextInputValidator"/> keys them; <c>PurposeCodes</c> also names unknown purposes.</summary>
    public async Task<(ConsentTextVersion? Version, ValidationErrors Errors)> CreateAsync(
        ConsentTextContent content, IReadOnlyList<string> purposeCodes, CancellationToken ct = default)
    {
        var trimmed = new ConsentTextContent(content.OperatorName.Trim(), content.OperatorAddress.Trim(), content.Purposes.Trim(),
            content.DataList.Trim(), content.ActionsAndMethods.Trim(), content.Term.Trim(), content.Withdrawal.Trim(), content.Body.Trim());
        var errors = ConsentTextInputValidator.Instance.Check(new ConsentTextInput(trimmed, purposeCodes));
        var known = (await purposes.ListAsync(ct)).Select(p => p.Code).ToHashSet(StringComparer.Ordinal);
        if (!errors.Has("PurposeCodes") && purposeCodes.Any(c => !known.Contains(c))) errors.Add("PurposeCodes", "known purposes only");
        if (!errors.IsValid) return (null, errors);

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
}
