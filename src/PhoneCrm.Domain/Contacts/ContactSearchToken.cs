using System.Text;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Contacts;

/// <summary>
/// One key a contact is found by in the list's search: each of its name's blind-index entries
/// (<see cref="Contact.NameTokenIndexes"/>) and each tag (<see cref="ForTag"/>). Kept by triggers on <c>contacts</c>
/// (every write path, set-based for bulk inserts), never written by the app.
/// <para>Why a table beside the arrays: under row-level security PostgreSQL uses an index only for conditions whose
/// operators are leakproof, and the array operators (<c>@&gt;</c>) are not, so the GIN indexes on the arrays are never
/// used by the app's role — a search by name or tag read the whole tenant (5–17 s at 1M contacts). Equality on
/// <c>bytea</c> is leakproof: a b-tree on (tenant, token) finds the matches directly.</para>
/// </summary>
public sealed class ContactSearchToken : ITenantOwned
{
    public Guid TenantId { get; set; }
    public required byte[] Token { get; set; }
    public Guid ContactId { get; set; }

    /// <summary>A tag's key: <c>#</c> and the normalised tag in UTF-8 (the trigger writes <c>convert_to('#' || tag, 'UTF8')</c>).
    /// Name entries are keyed hashes (HMAC), so a tag's key meets one only by a 2^-128 chance.</summary>
    public static byte[] ForTag(string tag) => Encoding.UTF8.GetBytes("#" + tag);
}
