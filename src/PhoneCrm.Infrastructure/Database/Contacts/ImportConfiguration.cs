using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Infrastructure.Database.Contacts;

internal sealed class ImportJobConfiguration : IEntityTypeConfiguration<ImportJob>
{
    public void Configure(EntityTypeBuilder<ImportJob> b)
    {
        b.ToTable("imports");
        b.HasKey(i => new { i.TenantId, i.Id });
        b.Property(i => i.FileName).HasMaxLength(260);
        b.Property(i => i.SourceChannel).HasMaxLength(32);
        b.Property(i => i.Kind).HasMaxLength(16).HasDefaultValue(ImportKinds.Contacts);
        b.Property(i => i.SourceDetail).HasMaxLength(200);
        b.Property(i => i.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(i => i.Mapping).HasColumnType("jsonb").HasConversion(
            v => System.Text.Json.JsonSerializer.Serialize(v, (System.Text.Json.JsonSerializerOptions?)null),
            v => System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, int>>(v, (System.Text.Json.JsonSerializerOptions?)null) ?? new(),
            new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<Dictionary<string, int>>(
                (a, c) => a!.Count == c!.Count && !a.Except(c).Any(), v => v.Count, v => new Dictionary<string, int>(v)));
        b.Property(i => i.Error).HasMaxLength(2000);
        b.Ignore(i => i.Percent);
        b.HasIndex(i => new { i.TenantId, i.CreatedAt });
        b.HasOne<Tenant>().WithMany().HasForeignKey(i => i.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ImportFileChunkConfiguration : IEntityTypeConfiguration<ImportFileChunk>
{
    public void Configure(EntityTypeBuilder<ImportFileChunk> b)
    {
        b.ToTable("import_file_chunks");
        b.HasKey(c => new { c.TenantId, c.ImportId, c.ChunkNo });
        b.HasOne<ImportJob>().WithMany().HasForeignKey(c => new { c.TenantId, c.ImportId }).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ImportCommittedBatchConfiguration : IEntityTypeConfiguration<ImportCommittedBatch>
{
    public void Configure(EntityTypeBuilder<ImportCommittedBatch> b)
    {
        b.ToTable("import_batches");
        b.HasKey(r => new { r.TenantId, r.ImportId, r.FirstLine });
        b.HasOne<ImportJob>().WithMany().HasForeignKey(r => new { r.TenantId, r.ImportId }).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ImportRejectionConfiguration : IEntityTypeConfiguration<ImportRejection>
{
    public void Configure(EntityTypeBuilder<ImportRejection> b)
    {
        b.ToTable("import_rejections");
        b.HasKey(r => new { r.TenantId, r.ImportId, r.Line });
        b.Property(r => r.Reason).HasMaxLength(200);
        b.HasOne<ImportJob>().WithMany().HasForeignKey(r => new { r.TenantId, r.ImportId }).OnDelete(DeleteBehavior.Cascade);
    }
}
