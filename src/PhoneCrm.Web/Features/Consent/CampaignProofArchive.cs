using System.IO.Compression;
using System.Text.Json;
using PhoneCrm.Infrastructure.Consent;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>
/// A campaign's bulk proof as a ZIP written straight to the response while the messages stream from the database:
/// <c>recipients/{contactId}.json</c> for every recipient (their messages and the record behind each), then
/// <c>proof.pdf</c> with all of them for printing.
/// </summary>
public sealed class CampaignProofArchive(MessageProofPdf pdf)
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public sealed record RecipientProof(Guid? ContactId, Guid CampaignId, bool ChainValid, IReadOnlyList<MessageConsentProof> Messages);

    public async Task WriteAsync(CampaignConsentProofs proofs, string heading, Stream output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(proofs);
        await using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        using var document = pdf.Begin(heading, proofs.GeneratedAt, proofs.ChainValid, proofs.MessageCount);
        var recipient = new List<MessageConsentProof>();
        // Messages arrive ordered by recipient: a recipient's file is written when the next one starts.
        await foreach (var message in proofs.Messages.WithCancellation(ct))
        {
            if (recipient.Count > 0 && recipient[0].ContactId != message.ContactId) await WriteRecipientAsync(zip, proofs, recipient, ct);
            recipient.Add(message);
            document.Add(message);
        }

        if (recipient.Count > 0) await WriteRecipientAsync(zip, proofs, recipient, ct);
        var entry = zip.CreateEntry("proof.pdf", CompressionLevel.Fastest);
        await using var stream = await entry.OpenAsync(ct);
        await stream.WriteAsync(document.ToBytes(), ct);
    }

    private static async Task WriteRecipientAsync(ZipArchive zip, CampaignConsentProofs proofs, List<MessageConsentProof> messages, CancellationToken ct)
    {
        var contactId = messages[0].ContactId;
        var entry = zip.CreateEntry($"recipients/{contactId?.ToString() ?? "unknown"}.json", CompressionLevel.Fastest);
        await using (var stream = await entry.OpenAsync(ct))
        {
            await JsonSerializer.SerializeAsync(stream, new RecipientProof(contactId, proofs.CampaignId, proofs.ChainValid, [.. messages]), _json, ct);
        }

        messages.Clear();
    }
}
