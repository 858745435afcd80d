namespace PhoneCrm.Domain.Messaging;

public enum SmsEncoding
{
    /// <summary>GSM 03.38 7-bit default alphabet: 160 septets in one part, 153 per part when concatenated.</summary>
    Gsm7,

    /// <summary>UCS-2 (UTF-16 on the wire): 70 units in one part, 67 per part. Any Cyrillic letter forces it.</summary>
    Ucs2,
}

/// <summary>Length of an SMS text as the network bills it.</summary>
/// <param name="Encoding">Encoding the whole message needs.</param>
/// <param name="Units">Septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2.</param>
/// <param name="Segments">Parts the message is sent (and billed) as; at least 1.</param>
/// <param name="PerSegmentLimit">Units per part: 160/70 for a single part, 153/67 when concatenated.</param>
/// <param name="RemainingInLastSegment">Units still free in the last part (for the live counter).</param>
public sealed record SmsLength(SmsEncoding Encoding, int Units, int Segments, int PerSegmentLimit, int RemainingInLastSegment);
