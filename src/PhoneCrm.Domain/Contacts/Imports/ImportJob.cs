using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Domain.Contacts.Imports;

/// <summary>
/// One uploaded contact file and its progress. Work is committed batch by batch together with <see cref="LastLine"/>,
/// so a killed process resumes after the last committed line: nothing lost, nothing counted twice.
/// </summary>
public sealed class ImportJob : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; }
    public required string FileName { get; set; }
    /// <summary>What the file holds: <see cref="ImportKinds.Contacts"/> or <see cref="ImportKinds.Events"/>.</summary>
    public string Kind { get; set; } = ImportKinds.Contacts;
    public long SizeBytes { get; set; }
    public string SourceChannel { get; set; } = "import";
    public string? SourceDetail { get; set; }
    /// <summary>Field name → zero-based column index; empty means auto-detect from the header.</summary>
    public Dictionary<string, int> Mapping { get; set; } = [];
    public ImportStatus Status { get; set; } = ImportStatus.Queued;
    public int TotalRows { get; set; }
    public int ProcessedRows { get; set; }
    public int Created { get; set; }
    public int Updated { get; set; }
    public int Duplicates { get; set; }
    public int Rejected { get; set; }
    /// <summary>Imported rows that had more numbers than the one kept as the contact's (kept in its other phones).</summary>
    public int OtherPhones { get; set; }
    /// <summary>The file has no header row: line 1 is data and columns are mapped by position (chosen in the wizard).</summary>
    public bool FirstRowIsData { get; set; }
    /// <summary>Every file line up to this one has its outcome committed; the job resumes after it (and skips the later
    /// ranges in <see cref="ImportCommittedBatch"/>, which batches committing out of order leave behind).</summary>
    public int LastLine { get; set; } = 1;
    public Guid? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? Error { get; set; }

    public int Percent => Status == ImportStatus.Completed ? 100
        : TotalRows == 0 ? 0 : (int)Math.Min(99, ProcessedRows * 100L / TotalRows);
}

/// <summary>The kinds of file the import machinery (upload, chunks, progress, rejections) runs.</summary>
public static class ImportKinds
{
    public const string Contacts = "contacts";
    public const string Events = "events";
}

public enum ImportStatus
{
    /// <summary>Uploaded through the UI wizard, waiting for the column mapping to be confirmed.</summary>
    Draft,
    Queued,
    Running,
    Completed,
    Failed,
}

/// <summary>The uploaded file itself, in chunks, so any worker can resume it after a crash.</summary>
public sealed class ImportFileChunk : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid ImportId { get; set; }
    public int ChunkNo { get; set; }
    public required byte[] Data { get; set; }
}

/// <summary>
/// The lines of one batch committed (with its rows and counters) while batches commit in parallel, possibly out of order;
/// a resumed run skips them. Removed when the import completes.
/// </summary>
public sealed class ImportCommittedBatch : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid ImportId { get; set; }
    public int FirstLine { get; set; }
    public int LastLine { get; set; }
}

/// <summary>A row that could not be imported: its line, the original phone cell (encrypted) and why.</summary>
public sealed class ImportRejection : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid ImportId { get; set; }
    public int Line { get; set; }
    public byte[]? ValueEnc { get; set; }
    public required string Reason { get; set; }
}
