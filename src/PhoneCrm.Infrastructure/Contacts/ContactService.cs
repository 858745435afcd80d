using System.Globalization;
using System.Linq.Expressions;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Domain.Access;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Tenancy;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Infrastructure.Contacts;

/// <summary>What the caller may see: <see cref="Personal"/> false means masked phones and no names, emails or notes
/// (Analyst); <see cref="OwnerOnly"/> limits every query to the contacts that user owns (SalesManager).</summary>
/// <param name="PersonalOwnerOnly">Personal data only for the contacts this user owns (rows reach further, masked): a
/// SalesManager who also holds a role that reads every contact without personal data.</param>
public sealed record ContactScope(bool Personal, Guid? OwnerOnly, Guid? PersonalOwnerOnly = null)
{
    /// <summary>Whether this contact's personal data is shown to the reader.</summary>
    public bool PersonalFor(Guid? contactOwner) => Personal && (PersonalOwnerOnly is not { } owner || contactOwner == owner);

    /// <summary>
    /// The one owner whose contacts alone the reader may work with as people (read a reply, take a call), or null for every
    /// contact: a sales manager's own, even when another role lets them see the rest masked.
    /// </summary>
    public Guid? PersonalOwner => PersonalOwnerOnly ?? OwnerOnly;

    public static ContactScope Full { get; } = new(true, null);
}

/// <summary>A contact decrypted (or masked) for one reader.</summary>
public sealed record ContactView(
    Guid Id, string Phone, string PhoneDisplay, bool Masked, string PhoneType, string? Carrier, string Region, string? Extension,
    string TimeZone, string? FirstName, string? LastName, string? Email, string? City, string Gender, DateOnly? BirthDate,
    IReadOnlyList<string> Tags, string SourceChannel, string? SourceDetail, Guid? OwnerId, string Attributes, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? StatusReason = null)
{
    public string FullName => string.Join(' ', new[] { FirstName, MiddleName, LastName }.Where(s => !string.IsNullOrEmpty(s)));

    /// <summary>Patronymic (from an import's «ФИО» or «Отчество»); null without personal access.</summary>
    public string? MiddleName { get; init; }

    /// <summary>The person's other numbers from an import (E.164), never messaged; empty without personal access.</summary>
    public IReadOnlyList<string> OtherPhones { get; init; } = [];
}

public sealed record NoteView(Guid Id, string Text, string AuthorName, DateTimeOffset CreatedAt);

/// <summary>A user who may own contacts (a sales manager of the tenant).</summary>
public sealed record ContactOwner(Guid Id, string Email);

public sealed class ContactFilter
{
    /// <summary>Phone in any format or its last four digits, an email, words of the name or their beginnings, or a tag
    /// (<c>#garden</c> forces a tag).</summary>
    public string? Q { get; set; }
    public string? City { get; set; }
    public string? Source { get; set; }
    public string? Status { get; set; }
    public Guid? Owner { get; set; }
    /// <summary><c>created</c> (default), <c>updated</c>, <c>city</c>, <c>status</c>.</summary>
    public string? Sort { get; set; }
    /// <summary><c>asc</c> or <c>desc</c>; when absent, the sort's natural direction (<see cref="AscendingByDefault"/>).</summary>
    public string? Dir { get; set; }
    /// <summary>Opaque keyset cursor: the page after this row.</summary>
    public string? After { get; set; }
    /// <summary>Opaque keyset cursor: the page before this row (the «previous page» link).</summary>
    public string? Before { get; set; }

    public string SortKey => Sort is "updated" or "city" or "status" ? Sort : "created";
    public bool Ascending => Dir switch { "asc" => true, "desc" => false, _ => AscendingByDefault(SortKey) };

    /// <summary>Dates newest first; words from А to Я.</summary>
    public static bool AscendingByDefault(string sortKey) => sortKey is "city" or "status";

    /// <summary>For the audit log: which filters were used, never their personal values.</summary>
    public string Describe(string? searchKind) =>
        $"search={searchKind ?? "none"};city={City};source={Source};status={Status};owner={Owner};sort={SortKey} {(Ascending ? "asc" : "desc")}";
}

/// <summary>How many contacts a filter matches: exact up to <see cref="ContactService.ExactCountLimit"/>, else the planner's estimate,
/// or — <see cref="MoreThan"/> — only that there are more than <see cref="Value"/> (a broad name or tag search).</summary>
public sealed record ContactTotal(long Value, bool Exact)
{
    /// <summary>More than <see cref="Value"/> (not an estimate): what a broad search's keys prove without counting the rows.</summary>
    public bool MoreThan { get; init; }

    public static ContactTotal Above(long limit) => new(limit, false) { MoreThan = true };
}

public sealed record ContactPage(IReadOnlyList<Contact> Items, string? NextCursor, string? SearchKind)
{
    /// <summary>The cursor of the page before this one; null on the first page.</summary>
    public string? PreviousCursor { get; init; }
}

public sealed record UpsertResult(Contact? Contact, bool Created, ValidationErrors Errors)
{
    public bool IsValid => Errors.IsValid;
}

/// <summary>
/// The one place for the contact rules: normalisation, encryption, blind-index lookup, merge and masking.
/// <para><b>Merge rule</b> (API upsert and the demo seeder; imports follow it too): a contact is found by its normalised
/// phone (any input format). Every field the caller gives (non-empty) overwrites the stored value; fields not given
/// keep theirs; tags are the union of stored and given tags; attributes are merged key by key, given keys winning.
/// The source (channel and detail) records where the contact first came from and is kept once set; the owner and
/// status are never changed by an upsert. A UI edit (<see cref="UpdateAsync"/>) replaces every field of its form,
/// clearing those left empty.</para>
/// </summary>
public sealed class ContactService(PhoneCrmDbContext db, PiiProtector protector, BlindIndex blind, TimeProvider clock)
{
    public const string PhoneContext = "contact.phone";
    public const string FirstNameContext = "contact.first_name";
    public const string LastNameContext = "contact.last_name";
    public const string EmailContext = "contact.email";
    public const string MiddleNameContext = "contact.middle_name";
    public const string OtherPhonesContext = "contact.other_phones";
    public const string NoteContext = "contact_note.text";

    private Tenant? _tenant;

    public async Task<Tenant> TenantAsync(CancellationToken ct = default)
    {
        var id = db.Tenant.RequireTenant();
        return _tenant is { } t && t.Id == id ? t : _tenant = await db.Tenants.AsNoTracking().SingleAsync(x => x.Id == id, ct);
    }

    /// <summary>The tenant's blind indexes at the version its stored data is at.</summary>
    private async ValueTask<TenantBlindIndex> IndexAsync(CancellationToken ct)
    {
        var tenant = await TenantAsync(ct);
        return blind.ForTenant(tenant.Id, tenant.BlindIndexVersion);
    }

    public async Task<string> DefaultRegionAsync(CancellationToken ct = default) => (await TenantAsync(ct)).DefaultRegion;

    /// <summary>Creates the contact or merges into the one with the same normalised phone (see the class remarks).</summary>
    public async Task<UpsertResult> UpsertAsync(ContactInput input, CancellationToken ct = default)
    {
        var tenant = await TenantAsync(ct);
        var valid = input.Validate(tenant.DefaultRegion, phoneRequired: true, out var errors);
        if (valid is null) return new UpsertResult(null, false, errors);
        var index = await IndexAsync(ct);
        var phoneIndex = index.Phone(valid.Phone!.E164);

        for (var attempt = 0; ; attempt++)
        {
            var existing = await db.Contacts.SingleOrDefaultAsync(c => c.PhoneIndex == phoneIndex, ct);
            var now = clock.GetUtcNow();
            if (existing is not null)
            {
                Merge(existing, valid, tenant, index);
                existing.UpdatedAt = now;
                await db.SaveChangesAsync(ct);
                return new UpsertResult(existing, false, errors);
            }

            var contact = new Contact
            {
                PhoneCipher = [],
                PhoneIndex = phoneIndex,
                SourceChannel = valid.SourceChannel ?? ContactSources.Api,
                SourceDetail = valid.SourceDetail,
                CreatedAt = now,
                UpdatedAt = now,
            };
            AssignPhone(contact, valid.Phone, index);
            Merge(contact, valid, tenant, index);
            db.Contacts.Add(contact);
            try
            {
                await db.SaveChangesAsync(ct);
                return new UpsertResult(contact, true, errors);
            }
            catch (DbUpdateException e) when (attempt == 0 && e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                // Someone created the same number between our read and write: merge into theirs.
                db.Entry(contact).State = EntityState.Detached;
            }
        }
    }

    /// <summary>A UI edit: every field of the form replaces the stored one (empty clears). Phone changes keep it unique.</summary>
    public async Task<UpsertResult> UpdateAsync(Guid id, ContactInput input, ContactScope scope, CancellationToken ct = default)
    {
        var tenant = await TenantAsync(ct);
        var contact = await Scoped(db.Contacts, scope).SingleOrDefaultAsync(c => c.Id == id, ct);
        if (contact is null) return new UpsertResult(null, false, new ValidationErrors());
        var valid = input.Validate(tenant.DefaultRegion, phoneRequired: true, out var errors);
        if (valid is null) return new UpsertResult(contact, false, errors);

        var index = await IndexAsync(ct);
        var phoneIndex = index.Phone(valid.Phone!.E164);
        if (!phoneIndex.AsSpan().SequenceEqual(contact.PhoneIndex))
        {
            if (await db.Contacts.AnyAsync(c => c.PhoneIndex == phoneIndex && c.Id != id, ct))
                return new UpsertResult(contact, false, ValidationErrors.Of("phone", "Another contact already has this number."));
        }

        AssignPhone(contact, valid.Phone, index);
        contact.FirstNameCipher = protector.Encrypt(valid.FirstName, db.Tenant.RequireTenant(), FirstNameContext);
        contact.LastNameCipher = protector.Encrypt(valid.LastName, db.Tenant.RequireTenant(), LastNameContext);
        contact.NameTokenIndexes = index.NameTokens(valid.FirstName, valid.LastName).ToList();
        contact.EmailCipher = protector.Encrypt(valid.Email, db.Tenant.RequireTenant(), EmailContext);
        contact.EmailIndex = valid.Email is null ? null : index.Email(valid.Email);
        contact.City = valid.City;
        contact.Gender = valid.Gender ?? ContactGender.Unknown;
        contact.BirthDate = valid.BirthDate;
        contact.Tags = valid.Tags?.ToList() ?? [];
        if (valid.SourceChannel is not null) contact.SourceChannel = valid.SourceChannel;
        contact.SourceDetail = valid.SourceDetail;
        if (valid.Status is not null && contact.Status != ContactStatus.Erased) contact.Status = valid.Status;
        contact.TimeZone = ResolveTimeZone(contact.City, valid.Phone.E164, tenant);
        contact.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return new UpsertResult(contact, false, errors);
    }

    public Task<Contact?> GetAsync(Guid id, ContactScope scope, CancellationToken ct = default) =>
        Scoped(db.Contacts.AsNoTracking(), scope).SingleOrDefaultAsync(c => c.Id == id, ct);

    /// <summary>The contacts among <paramref name="ids"/> the scope may see (bulk proof, exports).</summary>
    public async Task<List<Contact>> GetManyAsync(IReadOnlyCollection<Guid> ids, ContactScope scope, CancellationToken ct = default) =>
        await Scoped(db.Contacts.AsNoTracking(), scope).Where(c => ids.Contains(c.Id)).ToListAsync(ct);

    /// <summary>Looks a number up in any format. Null result with <paramref name="valid"/> false: not a phone number.</summary>
    public async Task<(Contact? Contact, bool Valid)> FindByPhoneAsync(string input, ContactScope scope, CancellationToken ct = default)
    {
        var parsed = PhoneParser.Parse(input, await DefaultRegionAsync(ct));
        if (!parsed.IsSuccess) return (null, false);
        var key = (await IndexAsync(ct)).Phone(parsed.Phone.E164);
        return (await PersonallyFound(Scoped(db.Contacts.AsNoTracking(), scope), scope).SingleOrDefaultAsync(c => c.PhoneIndex == key, ct), true);
    }

    /// <summary>The ids of the contacts holding these E.164 numbers, in one query (numbers without a contact are absent).</summary>
    public async Task<Dictionary<string, Guid>> IdsByPhoneAsync(IReadOnlyCollection<string> e164s, CancellationToken ct = default)
    {
        var index = await IndexAsync(ct);
        var byKey = e164s.Distinct(StringComparer.Ordinal).ToDictionary(p => Convert.ToBase64String(index.Phone(p)), p => p);
        var keys = byKey.Keys.Select(Convert.FromBase64String).ToList();
        var rows = await db.Contacts.AsNoTracking().Where(c => keys.Contains(c.PhoneIndex)).Select(c => new { c.PhoneIndex, c.Id }).ToListAsync(ct);
        return rows.ToDictionary(r => byKey[Convert.ToBase64String(r.PhoneIndex)], r => r.Id, StringComparer.Ordinal);
    }

    public async Task<List<Contact>> FindByEmailAsync(string email, ContactScope scope, CancellationToken ct = default)
    {
        var key = (await IndexAsync(ct)).Email(email);
        return await Scoped(db.Contacts.AsNoTracking(), scope).Where(c => c.EmailIndex == key).ToListAsync(ct);
    }

    public async Task<bool> SetOwnerAsync(Guid id, Guid? ownerId, ContactScope scope, CancellationToken ct = default)
    {
        var contact = await Scoped(db.Contacts, scope).SingleOrDefaultAsync(c => c.Id == id, ct);
        if (contact is null) return false;
        contact.OwnerId = ownerId;
        contact.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return true;
    }

    public async Task<ContactNote?> AddNoteAsync(Guid id, string text, Guid? authorId, string authorName, ContactScope scope,
        CancellationToken ct = default)
    {
        if (!await Scoped(db.Contacts, scope).AnyAsync(c => c.Id == id, ct)) return null;
        var note = new ContactNote
        {
            ContactId = id,
            TextCipher = protector.Encrypt(text.Trim(), db.Tenant.RequireTenant(), NoteContext)!,
            AuthorId = authorId,
            AuthorName = authorName,
            CreatedAt = clock.GetUtcNow(),
        };
        db.ContactNotes.Add(note);
        await db.SaveChangesAsync(ct);
        return note;
    }

    public async Task<IReadOnlyList<NoteView>> NotesAsync(Guid id, ContactScope scope, CancellationToken ct = default)
    {
        if (!scope.Personal) return [];
        if (scope.PersonalOwnerOnly is { } owner && !await db.Contacts.AnyAsync(c => c.Id == id && c.OwnerId == owner, ct)) return [];
        var notes = await db.ContactNotes.AsNoTracking().Where(n => n.ContactId == id).OrderByDescending(n => n.CreatedAt).ToListAsync(ct);
        return notes.Select(n => new NoteView(n.Id, protector.Decrypt(n.TextCipher, db.Tenant.RequireTenant(), NoteContext)!, n.AuthorName, n.CreatedAt)).ToList();
    }

    /// <summary>The tenant's sales managers: who can own contacts.</summary>
    public async Task<IReadOnlyList<ContactOwner>> OwnersAsync(CancellationToken ct = default)
    {
        var members = await (
                from m in db.Memberships.AsNoTracking()
                join u in db.Users.AsNoTracking() on m.UserId equals u.Id
                where m.IsActive
                select new { m.Roles, u.Id, u.Email })
            .ToListAsync(ct);
        return members.Where(m => m.Roles.Contains(Role.SalesManager)).Select(m => new ContactOwner(m.Id, m.Email ?? m.Id.ToString()))
            .OrderBy(o => o.Email, StringComparer.Ordinal).ToList();
    }

    /// <summary>The cities of the tenant's contacts (erased ones aside), smallest first, at most <paramref name="limit"/>.</summary>
    public Task<List<string>> CitiesAsync(int limit, CancellationToken ct = default) => DistinctValues.CitiesAsync(db, limit, ct);

    public ContactView View(Contact c, ContactScope scope)
    {
        var e164 = protector.Decrypt(c.PhoneCipher, db.Tenant.RequireTenant(), PhoneContext)!;
        var personal = scope.PersonalFor(c.OwnerId);
        var masked = PhoneMasking.Mask(e164);
        return new ContactView(c.Id, personal ? e164 : masked, personal ? PhoneFormatting.Display(e164) : masked, !personal,
            c.PhoneType, c.Carrier, c.PhoneRegion, personal ? c.Extension : null, c.TimeZone,
            personal ? protector.Decrypt(c.FirstNameCipher, db.Tenant.RequireTenant(), FirstNameContext) : null,
            personal ? protector.Decrypt(c.LastNameCipher, db.Tenant.RequireTenant(), LastNameContext) : null,
            personal ? protector.Decrypt(c.EmailCipher, db.Tenant.RequireTenant(), EmailContext) : null,
            c.City, c.Gender, personal ? c.BirthDate : null, c.Tags, c.SourceChannel, personal ? c.SourceDetail : null, c.OwnerId,
            // Free-form attributes and the source's detail (a page, a store, a file name) can name or single out the person.
            personal ? c.Attributes : "{}", c.Status, c.CreatedAt, c.UpdatedAt, c.StatusReason)
        {
            MiddleName = personal ? protector.Decrypt(c.MiddleNameCipher, db.Tenant.RequireTenant(), MiddleNameContext) : null,
            OtherPhones = personal && c.OtherPhonesCipher is not null
                ? protector.Decrypt(c.OtherPhonesCipher, db.Tenant.RequireTenant(), OtherPhonesContext)!.Split(", ", StringSplitOptions.RemoveEmptyEntries)
                : [],
        };
    }

    /// <summary>
    /// One page of the filtered list, by keyset (no OFFSET): a cursor carries a row's sort value and id. <c>After</c> gives
    /// the page following that row, <c>Before</c> the page preceding it (read backwards, then turned round).
    /// <para>The page's ids are found first and only their rows are read (one statement, <c>id IN (SELECT id … ORDER BY …
    /// LIMIT n)</c>): the search walks the sort's index without a heap page per row it passes (the created, city and status
    /// orders have an index with the tenant, the sort value, the id and the erased rule), which counts when a search keeps
    /// 1 row in 100 — a last name at 1M contacts: 5,000 rows walked, 20 → 7 ms).</para>
    /// </summary>
    public async Task<ContactPage> PageAsync(ContactFilter filter, ContactScope scope, int pageSize, CancellationToken ct = default)
    {
        var (query, kind, _) = await FilteredAsync(filter, scope, ct);
        var backwards = string.IsNullOrEmpty(filter.After) && !string.IsNullOrEmpty(filter.Before);
        if (ContactCursor.Decode(backwards ? filter.Before : filter.After) is { } cursor)
            query = Seek(query, filter, cursor, following: !backwards);
        var ids = Ordered(query, filter, reversed: backwards).Select(c => c.Id).Take(pageSize + 1);
        var rows = await Ordered(db.Contacts.AsNoTracking().Where(c => ids.Contains(c.Id)), filter, reversed: backwards).ToListAsync(ct);
        var more = rows.Count > pageSize;
        if (more) rows.RemoveAt(pageSize);
        if (backwards) rows.Reverse();
        if (rows.Count == 0) return new ContactPage(rows, null, kind);

        // Forwards, a page came from somewhere when it had a cursor; backwards, rows beyond the page mean an earlier page.
        var hasNext = backwards || more;
        var hasPrevious = backwards ? more : !string.IsNullOrEmpty(filter.After);
        return new ContactPage(rows, hasNext ? ContactCursor.Of(rows[^1], filter) : null, kind)
        {
            PreviousCursor = hasPrevious ? ContactCursor.Of(rows[0], filter) : null,
        };
    }

    /// <summary>Up to this many matches are counted exactly; beyond, the total is the planner's estimate.</summary>
    public const int ExactCountLimit = 10_000;

    /// <summary>
    /// How many contacts the filter matches, for <paramref name="page"/> of it: exact when everything fits one page or up to
    /// <see cref="ExactCountLimit"/> (a count that stops there costs milliseconds); beyond, the planner's estimate — instant
    /// at any size, where an exact count of a million rows is not — shown as «about N», never below the limit. A name or tag
    /// search that nothing else narrows is counted by its keys alone (<see cref="KeyedTotalAsync"/>).
    /// </summary>
    public async Task<ContactTotal> TotalAsync(ContactFilter filter, ContactScope scope, ContactPage page, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(page);
        if (page.NextCursor is null && page.PreviousCursor is null) return new ContactTotal(page.Items.Count, true);
        var (query, kind, keyed) = await FilteredAsync(filter, scope, ct);
        if (keyed is not null && !Narrowed(filter, scope, kind)) return await KeyedTotalAsync(keyed, ct);
        var counted = await query.Select(c => c.Id).Take(ExactCountLimit + 1).CountAsync(ct);
        if (counted <= ExactCountLimit) return new ContactTotal(counted, true);
        return new ContactTotal(Math.Max(await EstimateAsync(query, ct), counted), false);
    }

    /// <summary>Whether anything but the search itself and the erased rule limits the list: a filter, or a scope to one owner.</summary>
    private static bool Narrowed(ContactFilter f, ContactScope scope, string? kind) =>
        scope.OwnerOnly is not null || (kind is not "tag" && scope.PersonalOwnerOnly is not null) || f.Owner is not null
        || !string.IsNullOrWhiteSpace(f.City) || !string.IsNullOrWhiteSpace(f.Source) || !string.IsNullOrWhiteSpace(f.Status);

    /// <summary>
    /// The total of a name or tag search that nothing else narrows, from what its keys gave (<see cref="ByKeysAsync"/>) —
    /// never a walk of the list (a last name is 1 % of a tenant: counting 10,001 of its contacts in list order read the
    /// whole tenant). Every contact holding the keys is listed unless it is erased (anonymising empties a contact's names
    /// and tags, so an erased contact normally holds none; the count does not rely on it): more than
    /// <see cref="ExactCountLimit"/> + (the tenant's erased contacts) keyed contacts means more than the limit are listed;
    /// otherwise every keyed id is at hand and the erased ones among them are subtracted.
    /// </summary>
    private async Task<ContactTotal> KeyedTotalAsync(KeyedSearch keyed, CancellationToken ct)
    {
        if (keyed.Ids.Count > ExactCountLimit + keyed.Erased) return ContactTotal.Above(ExactCountLimit);
        var ids = keyed.Ids;
        var visible = ids.Count - (keyed.Erased == 0 ? 0 : await db.Contacts.CountAsync(c => c.Status == ContactStatus.Erased && ids.Contains(c.Id), ct));
        return visible <= ExactCountLimit ? new ContactTotal(visible, true) : ContactTotal.Above(ExactCountLimit);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100", Justification = "EF Core's own SQL for the query, values in parameters")]
    private async Task<long> EstimateAsync(IQueryable<Contact> query, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = query.Select(c => c.Id).CreateDbCommand();
            command.CommandText = "EXPLAIN (FORMAT JSON) " + command.CommandText;
            var plan = JsonNode.Parse((string)(await command.ExecuteScalarAsync(ct))!);
            return (long)Math.Round(plan![0]!["Plan"]!["Plan Rows"]!.GetValue<double>());
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Every contact of the filter, in list order, streamed (for exports).</summary>
    public async Task<(IAsyncEnumerable<Contact> Rows, string? SearchKind)> StreamAsync(ContactFilter filter, ContactScope scope,
        CancellationToken ct = default)
    {
        var (query, kind, _) = await FilteredAsync(filter, scope, ct);
        return (Ordered(query, filter).AsAsyncEnumerable(), kind);
    }

    /// <summary>What a reader may see: never an erased contact (an anonymised shell kept for the ledger), and a sales
    /// manager only their own.</summary>
    private static IQueryable<Contact> Scoped(IQueryable<Contact> q, ContactScope scope)
    {
        q = q.Where(c => c.Status != ContactStatus.Erased);
        return scope.OwnerOnly is { } owner ? q.Where(c => c.OwnerId == owner) : q;
    }

    /// <summary>
    /// A search by personal data (a number, an email, a name) finds only contacts whose personal data the reader sees:
    /// otherwise a hit would confirm that someone is in the base.
    /// </summary>
    private static IQueryable<Contact> PersonallyFound(IQueryable<Contact> q, ContactScope scope)
    {
        return scope.PersonalOwnerOnly is { } owner ? q.Where(c => c.OwnerId == owner) : q;
    }

    private async Task<(IQueryable<Contact> Query, string? Kind, KeyedSearch? Keyed)> FilteredAsync(ContactFilter f, ContactScope scope,
        CancellationToken ct)
    {
        IQueryable<Contact> q = db.Contacts;
        string? kind = null;
        KeyedSearch? keyed = null;
        var text = f.Q?.Trim();
        if (!string.IsNullOrEmpty(text))
        {
            (q, kind, keyed) = await SearchAsync(text, scope, ct);
        }

        q = Scoped(q.AsNoTracking(), scope);
        if (kind is not null and not "tag") q = PersonallyFound(q, scope);
        if (!string.IsNullOrWhiteSpace(f.City)) q = q.Where(c => c.City == f.City.Trim());
        if (!string.IsNullOrWhiteSpace(f.Source)) q = q.Where(c => c.SourceChannel == f.Source);
        if (!string.IsNullOrWhiteSpace(f.Status)) q = q.Where(c => c.Status == f.Status);
        if (f.Owner is { } owner) q = q.Where(c => c.OwnerId == owner);
        return (q, kind, keyed);
    }

    /// <summary>
    /// Phone (any format), email, or name words / tag. Names and tags are found by their keys in
    /// <see cref="ContactSearchToken"/> (see there why not by the arrays' GIN indexes).
    /// Without personal access only tags can be searched, so the search cannot confirm who is in the base.
    /// </summary>
    private async Task<(IQueryable<Contact>, string, KeyedSearch?)> SearchAsync(string text, ContactScope scope, CancellationToken ct)
    {
        if (text.StartsWith('#') || !scope.Personal)
        {
            var tag = ContactSearchToken.ForTag(ContactFields.NormalizeTag(text.TrimStart('#')));
            var byTag = await ByKeysAsync([], tag, ct);
            return (byTag.Query, "tag", byTag);
        }

        var index = await IndexAsync(ct);
        if (text.Contains('@', StringComparison.Ordinal))
        {
            var key = index.Email(text);
            return (db.Contacts.Where(c => c.EmailIndex == key), "email", null);
        }

        var digits = text.Count(char.IsAsciiDigit);
        if (digits >= 5)
        {
            var parsed = PhoneParser.Parse(text, await DefaultRegionAsync(ct));
            var key = parsed.IsSuccess ? index.Phone(parsed.Phone.E164) : [];
            return (db.Contacts.Where(c => c.PhoneIndex == key), "phone", null);
        }

        if (digits == BlindIndex.PhoneSuffixLength && text.All(ch => char.IsAsciiDigit(ch) || ch is ' ' or '-' or '*' or '.' or '…'))
        {
            var suffix = index.PhoneSuffix(text);
            return (db.Contacts.Where(c => c.PhoneSuffixIndex == suffix), "phone_suffix", null);
        }

        // Every word must match (a word of the name or its beginning); the whole text may also be a tag.
        var words = BlindIndex.TokenizeName(text, null).Select(index.NameSearch).OfType<byte[]>()
            .DistinctBy(Convert.ToBase64String).ToArray();
        var byName = await ByKeysAsync(words, ContactSearchToken.ForTag(ContactFields.NormalizeTag(text)), ct);
        return (byName.Query, "name_or_tag", byName);
    }

    /// <summary>Up to this many matches of a name or tag are read by their keys first; beyond, the list walks its order.</summary>
    private const int KeyedMatchesLimit = ExactCountLimit;

    /// <summary>A name or tag search: the contacts it lists (<see cref="Query"/>, before scope and filters), the ids of the
    /// contacts holding its keys (distinct, erased ones included; at most <see cref="KeyedMatchesLimit"/> + 1 +
    /// <see cref="Erased"/>, more being left unread) and the tenant's erased contacts when they were read.</summary>
    private sealed record KeyedSearch(IQueryable<Contact> Query, List<Guid> Ids, int Erased);

    private readonly Dictionary<string, KeyedSearch> _keyedSearches = new(StringComparer.Ordinal);

    /// <summary>
    /// The contacts that hold every one of <paramref name="words"/> (none: no name match) or the <paramref name="tag"/>.
    /// A few thousand matches (a person's name, a rare tag) are read by their keys and the page is sorted from them —
    /// wherever they sit in the list's order. More (a common first name, a popular tag) are met near the top of any
    /// order, so the page walks the order's index and checks each row's keys by primary key. Remembered for the request,
    /// as the page and its total ask the same.
    /// <para>Phase one reads up to <see cref="KeyedMatchesLimit"/> + 1 + (the tenant's erased contacts) ids, so that
    /// <see cref="KeyedTotalAsync"/> can tell «more than the limit» or count exactly without reading the keys again (an
    /// index-only count of the erased contacts first: none or a few in practice).</para>
    /// <para>Several words intersect as semi-joins of the first word's keys with the others' (each word's keys are in
    /// contact order in the primary key, so PostgreSQL merges them or probes from the rarer side, by its statistics of
    /// the tokens), not as a grouping of every word's keys: «Анна Иванов» read 43k keys and hashed them all (80 ms), the
    /// merge reads the same keys in order (25 ms).</para>
    /// </summary>
    private async Task<KeyedSearch> ByKeysAsync(byte[][] words, byte[] tag, CancellationToken ct)
    {
        var memo = string.Join(",", words.Select(Convert.ToBase64String)) + "|" + Convert.ToBase64String(tag);
        if (_keyedSearches.TryGetValue(memo, out var known)) return known;
        var keys = db.Set<ContactSearchToken>().AsNoTracking();
        var keyed = keys.Where(k => k.Token == tag).Select(k => k.ContactId);
        if (words.Length > 0)
        {
            var first = words[0];
            var named = keys.Where(k => k.Token == first);
            foreach (var word in words.Skip(1))
                named = named.Where(k => keys.Any(o => o.TenantId == k.TenantId && o.ContactId == k.ContactId && o.Token == word));
            keyed = named.Select(k => k.ContactId).Union(keyed);
        }

        var erased = await db.Contacts.CountAsync(c => c.Status == ContactStatus.Erased, ct);
        var ids = await keyed.Take(KeyedMatchesLimit + 1 + erased).ToListAsync(ct);
        if (ids.Count <= KeyedMatchesLimit) return _keyedSearches[memo] = new KeyedSearch(db.Contacts.Where(c => ids.Contains(c.Id)), ids, erased);

        Expression<Func<Contact, bool>> Has(byte[] key) => c => keys.Any(k => k.TenantId == c.TenantId && k.ContactId == c.Id && k.Token == key);
        var match = Has(tag);
        if (words.Length > 0) match = words.Skip(1).Select(Has).Aggregate(Has(words[0]), (all, next) => all.And(next)).Or(match);
        return _keyedSearches[memo] = new KeyedSearch(db.Contacts.Where(match), ids, erased);
    }

    private static IQueryable<Contact> Ordered(IQueryable<Contact> q, ContactFilter f, bool reversed = false) =>
        (f.SortKey, f.Ascending != reversed) switch
        {
            ("updated", false) => q.OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Id),
            ("updated", true) => q.OrderBy(c => c.UpdatedAt).ThenBy(c => c.Id),
            ("city", false) => q.OrderByDescending(c => c.City ?? "").ThenByDescending(c => c.Id),
            ("city", true) => q.OrderBy(c => c.City ?? "").ThenBy(c => c.Id),
            ("status", false) => q.OrderByDescending(c => c.Status).ThenByDescending(c => c.Id),
            ("status", true) => q.OrderBy(c => c.Status).ThenBy(c => c.Id),
            (_, true) => q.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id),
            _ => q.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id),
        };

    /// <summary>The rows after (<paramref name="following"/>) or before the cursor's row in list order, as one row-value
    /// comparison <c>(sort value, id) &gt; (…)</c> that walks the sort's index.</summary>
    private static IQueryable<Contact> Seek(IQueryable<Contact> q, ContactFilter f, ContactCursor cursor, bool following)
    {
        var greater = following == f.Ascending;
        var id = cursor.Id;
        switch (f.SortKey)
        {
            case "created" or "updated":
                if (!long.TryParse(cursor.Value, CultureInfo.InvariantCulture, out var ticks)) return q;
                var at = new DateTimeOffset(ticks, TimeSpan.Zero);
                return (f.SortKey, greater) switch
                {
                    ("updated", true) => q.Where(c => EF.Functions.GreaterThan(ValueTuple.Create(c.UpdatedAt, c.Id), ValueTuple.Create(at, id))),
                    ("updated", false) => q.Where(c => EF.Functions.LessThan(ValueTuple.Create(c.UpdatedAt, c.Id), ValueTuple.Create(at, id))),
                    (_, true) => q.Where(c => EF.Functions.GreaterThan(ValueTuple.Create(c.CreatedAt, c.Id), ValueTuple.Create(at, id))),
                    _ => q.Where(c => EF.Functions.LessThan(ValueTuple.Create(c.CreatedAt, c.Id), ValueTuple.Create(at, id))),
                };
            case "city":
                var city = cursor.Value;
                return greater
                    ? q.Where(c => EF.Functions.GreaterThan(ValueTuple.Create(c.City ?? "", c.Id), ValueTuple.Create(city, id)))
                    : q.Where(c => EF.Functions.LessThan(ValueTuple.Create(c.City ?? "", c.Id), ValueTuple.Create(city, id)));
            default:
                var status = cursor.Value;
                return greater
                    ? q.Where(c => EF.Functions.GreaterThan(ValueTuple.Create(c.Status, c.Id), ValueTuple.Create(status, id)))
                    : q.Where(c => EF.Functions.LessThan(ValueTuple.Create(c.Status, c.Id), ValueTuple.Create(status, id)));
        }
    }

    private void Merge(Contact c, ContactInput.Valid v, Tenant tenant, TenantBlindIndex index)
    {
        if (v.FirstName is not null) c.FirstNameCipher = protector.Encrypt(v.FirstName, db.Tenant.RequireTenant(), FirstNameContext);
        if (v.LastName is not null) c.LastNameCipher = protector.Encrypt(v.LastName, db.Tenant.RequireTenant(), LastNameContext);
        if (v.FirstName is not null || v.LastName is not null)
        {
            var first = v.FirstName ?? protector.Decrypt(c.FirstNameCipher, db.Tenant.RequireTenant(), FirstNameContext);
            var last = v.LastName ?? protector.Decrypt(c.LastNameCipher, db.Tenant.RequireTenant(), LastNameContext);
            c.NameTokenIndexes = index.NameTokens(first, last).ToList();
        }

        if (v.Email is not null)
        {
            c.EmailCipher = protector.Encrypt(v.Email, db.Tenant.RequireTenant(), EmailContext);
            c.EmailIndex = index.Email(v.Email);
        }

        if (v.City is not null) c.City = v.City;
        if (v.Gender is not null) c.Gender = v.Gender;
        if (v.BirthDate is not null) c.BirthDate = v.BirthDate;
        if (v.Tags is { Count: > 0 }) c.Tags = c.Tags.Union(v.Tags, StringComparer.Ordinal).ToList();
        if (v.Attributes is { Count: > 0 })
        {
            var merged = JsonNode.Parse(c.Attributes) as JsonObject ?? [];
            foreach (var (key, value) in v.Attributes) merged[key] = value?.DeepClone();
            c.Attributes = merged.ToJsonString();
        }

        if (v.Phone is not null) SetPhoneFacts(c, v.Phone);
        c.TimeZone = ResolveTimeZone(c.City, v.Phone?.E164 ?? protector.Decrypt(c.PhoneCipher, db.Tenant.RequireTenant(), PhoneContext), tenant);
    }

    /// <summary>The one place a contact's number is set: its cipher, its indexes (whole and last four digits) and what
    /// the number says about itself.</summary>
    public async Task AssignPhoneAsync(Contact c, NormalizedPhone phone, CancellationToken ct) => AssignPhone(c, phone, await IndexAsync(ct));

    private void AssignPhone(Contact c, NormalizedPhone phone, TenantBlindIndex index)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(phone);
        c.PhoneCipher = protector.Encrypt(phone.E164, db.Tenant.RequireTenant(), PhoneContext)!;
        c.PhoneIndex = index.Phone(phone.E164);
        c.PhoneSuffixIndex = index.PhoneSuffix(phone.E164);
        SetPhoneFacts(c, phone);
    }

    private static void SetPhoneFacts(Contact c, NormalizedPhone phone)
    {
        c.PhoneType = phone.Type;
        c.Carrier = phone.Carrier;
        c.PhoneRegion = phone.Region;
        if (phone.Extension is not null) c.Extension = phone.Extension;
    }

    private static string ResolveTimeZone(string? city, string? e164, Tenant tenant) =>
        TimeZoneResolver.Default.Resolve(city, null, e164, tenant.TimeZone).TimeZone;
}
