using System.Text.Json.Serialization;

namespace PhoneCrm.Infrastructure.Protection;

/// <summary>
/// Configuration section <c>Protection</c>; the key file uses the same JSON shape.
/// Keys are base64 of 32 random bytes. Leave <see cref="Keys"/> empty to use a generated key file.
/// </summary>
public sealed class ProtectionOptions
{
    public const string SectionName = "Protection";

    /// <summary>Key id new ciphertexts are written with, e.g. <c>k2</c>.</summary>
    public string? ActiveKeyId { get; set; }

    /// <summary>Data-encryption keys by id. Old ids must stay until everything is re-encrypted.</summary>
    public Dictionary<string, string> Keys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Blind-index HMAC key. Never rotates with <see cref="Keys"/>: changing it orphans every stored
    /// index, so it requires a full reindex (decrypt and recompute all index columns).
    /// </summary>
    public string? IndexKey { get; set; }

    /// <summary>Key file used when no keys are configured; defaults to the path the host passes in.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? KeyFile { get; set; }
}
