using System.IO.Compression;
using System.Text.Json;
using PhoneCrm.Infrastructure.Consent;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>
/// A campaign's bulk proof as a ZIP written straight to the response: <c>recipients/{contactId}.json</c> for every
/// recipient (their messages and the record behind each) and <c>proof.pdf</c> with all of them for printing.
/// </summary>
public sealed class CampaignProofArchive(MessageProofPdf pdf)
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public sealed record RecipientProof(Guid? ContactId, Guid CampaignId, bool ChainValid, IReadOnlyList<MessageConsentProof> Messages);

    public async Task WriteAsync(CampaignConsentProofs proofs, string heading, Stream output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(proofs);
        await using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var recipient in proofs.Messages.GroupBy(m => m.ContactId))
        {
            var entry = zip.CreateEntry($"recipients/{recipient.Key?.ToString() ?? "unknown"}.json", CompressionLevel.Fastest);
            await using var stream = await entry.OpenAsync(ct);
            await JsonSerializer.SerializeAsync(stream, new RecipientProof(recipient.Key, proofs.CampaignId, proofs.ChainValid, recipient.ToList()), _json, ct);
        }

        var document = zip.CreateEntry("proof.pdf", CompressionLevel.Fastest);
        await using (var stream = await document.OpenAsync(ct))
        {
            await stream.WriteAsync(pdf.Render(heading, proofs.GeneratedAt, proofs.ChainValid, proofs.Messages), ct);
        }
    }
}
