using System.Globalization;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Requests;

/// <summary>Why a person's data was destroyed (api-v1 <c>reason</c>: <c>subject_request|retention</c>).</summary>
public enum DestructionReason
{
    /// <summary>The person asked for erasure (a data-subject request).</summary>
    SubjectRequest,
    /// <summary>The purpose was achieved or its consent ended and no other basis remains (retention).</summary>
    Retention,
}

public static class DestructionReasons
{
    public const string SubjectRequest = "subject_request";
    public const string Retention = "retention";

    public static string Wire(this DestructionReason reason) => reason switch
    {
        DestructionReason.SubjectRequest => SubjectRequest,
        DestructionReason.Retention => Retention,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}

/// <summary>Categories of personal data an act names (api-v1 <c>categories</c>).</summary>
public static class DestroyedCategories
{
    public const string Phone = "phone";
    public const string Name = "name";
    public const string Email = "email";
    public const string Consents = "consents";
    public const string Messages = "messages";
    public const string Events = "events";
    public const string Notes = "notes";
    public const string Attributes = "attributes";
}

/// <summary>
/// An act of destruction of personal data (Roskomnadzor Order No. 179 of 28.10.2022): the operator, the subject, what
/// was destroyed, in which information system, why, how, when and by whom, with the extract of the event log of the
/// destruction. It is the legally required proof, so the subject's full name stays in it (encrypted at rest); acts are
/// kept three years and then purged.
/// </summary>
public sealed class DestructionAct : ITenantOwned
{
    public const string InformationSystemName = "PhoneCrm";
    public static readonly TimeSpan KeptFor = TimeSpan.FromDays(3 * 365 + 1);

    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>Year of <see cref="DestroyedAt"/> (UTC) the number counts in.</summary>
    public int Year { get; set; }
    /// <summary>Gapless per tenant and year.</summary>
    public int Seq { get; set; }
    /// <summary>The erased contact (an anonymised shell after the erasure; the id alone identifies nobody).</summary>
    public Guid? ContactId { get; set; }
    public required string OperatorName { get; set; }
    public required string OperatorAddress { get; set; }
    /// <summary>The subject's full name, encrypted with context <c>destruction_act.subject_name</c>; null when none was known.</summary>
    public byte[]? SubjectNameCipher { get; set; }
    public List<string> Categories { get; set; } = [];
    public string InformationSystem { get; set; } = InformationSystemName;
    /// <summary>Wire name (<see cref="DestructionReasons"/>).</summary>
    public required string Reason { get; set; }
    public Guid? RequestId { get; set; }
    public required string Method { get; set; }
    public DateTimeOffset DestroyedAt { get; set; }
    public required string DestroyedBy { get; set; }
    /// <summary>The audit lines of this destruction, as a JSON array of <c>{at, action, details}</c> (jsonb).</summary>
    public string LogExtract { get; set; } = "[]";

    public string Number => Format(Year, Seq);

    public static string Format(int year, int seq) => string.Create(CultureInfo.InvariantCulture, $"ACT-{year:D4}-{seq:D6}");
}

/// <summary>
/// What stays of an erased number forever: a tenant-keyed hash (unlinkable across tenants and to the phone's blind index),
/// so the number is never marketed again, whatever path brings it back.
/// </summary>
public sealed class ErasureTombstone : ITenantOwned
{
    public Guid TenantId { get; set; }
    public required byte[] PhoneHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
