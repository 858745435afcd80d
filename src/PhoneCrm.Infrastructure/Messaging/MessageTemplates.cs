using Microsoft.EntityFrameworkCore;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Validation;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;

namespace PhoneCrm.Infrastructure.Messaging;

/// <summary>The tenant's saved SMS templates.</summary>
public sealed class MessageTemplates(PhoneCrmDbContext db, ContactService contacts, TimeProvider clock)
{
    public Task<List<MessageTemplate>> ListAsync(CancellationToken ct) =>
        db.MessageTemplates.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct);

    public Task<MessageTemplate?> GetAsync(Guid id, CancellationToken ct) =>
        db.MessageTemplates.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct);

    /// <summary>Creates (id null) or updates; errors keyed by field. An unknown id gives (null, no errors).</summary>
    public async Task<(MessageTemplate? Saved, ValidationErrors Errors)> SaveAsync(Guid? id, string? name, string? purpose,
        string? category, string? text, CancellationToken ct)
    {
        var errors = MessageTemplate.Validate(name, purpose, category, text);
        if (purpose is not null && !errors.Has("purpose") && !await db.ConsentPurposes.AnyAsync(p => p.Code == purpose, ct))
            errors.Add("purpose", "Choose a purpose.");
        if (!errors.IsValid) return (null, errors);

        var now = clock.GetUtcNow();
        MessageTemplate? row;
        if (id is { } existing)
        {
            row = await db.MessageTemplates.SingleOrDefaultAsync(t => t.Id == existing, ct);
            if (row is null) return (null, errors);
        }
        else
        {
            row = new MessageTemplate { Name = "", Text = "", CreatedAt = now };
            db.MessageTemplates.Add(row);
        }

        row.Name = name!.Trim();
        row.Purpose = purpose!;
        row.Category = category!;
        row.Text = text!.Trim();
        row.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return (row, errors);
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct) =>
        await db.MessageTemplates.Where(t => t.Id == id).ExecuteDeleteAsync(ct) > 0;

    /// <summary>The newest active contact with a first name, decrypted, to preview a text with (the caller audits the read); null when none.</summary>
    public async Task<ContactView?> PreviewContactAsync(CancellationToken ct)
    {
        var contact = await db.Contacts.AsNoTracking().Where(c => c.FirstNameCipher != null && c.Status == "active")
            .OrderByDescending(c => c.CreatedAt).FirstOrDefaultAsync(ct);
        return contact is null ? null : contacts.View(contact, ContactScope.Full);
    }
}
