using Npgsql;
using PhoneCrm.Domain.Contacts.Imports;

namespace PhoneCrm.Infrastructure.Imports;

/// <summary>
/// What one <see cref="ImportKinds">kind</see> of file (contacts, events) adds to the shared machinery: its columns and
/// what its rows become. Upload, file store, reading, the job, locking, status, checkpoints, counters and rejected rows
/// belong to <see cref="ImportService"/> and <see cref="ImportRun"/>.
/// </summary>
public interface IImportRowHandler
{
    /// <summary>The <see cref="ImportJob.Kind"/> this handler runs.</summary>
    string Kind { get; }

    /// <summary>The columns the wizard can map (wire names, in display order).</summary>
    IReadOnlyList<string> Columns { get; }

    /// <summary>The columns without which nothing can be imported.</summary>
    IReadOnlyList<string> RequiredColumns { get; }

    /// <summary>Column → index recognised in a header (Russian or English names).</summary>
    IReadOnlyDictionary<string, int> Detect(IReadOnlyList<string> header);

    /// <summary>Why a file with this header cannot be imported (said at upload), or null.</summary>
    string? CheckHeader(IReadOnlyList<string> header);

    /// <summary>The tables a run fills, which <see cref="ImportSettle"/> vacuums and analyses after a large import.</summary>
    IReadOnlyList<string> WrittenTables { get; }

    /// <summary>
    /// Whether a run's batches write disjoint rows and need nothing another batch writes, so several commit at once on
    /// their own connections, in any order (the import then uses every core). False: one at a time, in file order, on
    /// the run's own connection.
    /// </summary>
    bool BatchesCommute { get; }

    /// <summary>Starts a run over one file: its columns are the wizard's choice or the header's.</summary>
    /// <exception cref="ImportFormatException">The file cannot be imported (the import fails with this message).</exception>
    Task<IImportBatches> BeginAsync(ImportJob job, IReadOnlyList<string> header, CancellationToken ct);
}

/// <summary>One run over one file: where batches end and what each becomes before and inside its transaction.</summary>
public interface IImportBatches
{
    /// <summary>The rows cut into batches; a batch commits whole, with the checkpoint at its last line.</summary>
    IEnumerable<IReadOnlyList<SourceRow>> Split(IEnumerable<SourceRow> rows);

    /// <summary>Rows an earlier run committed, read again on resume (e.g. to know which numbers the file already had).</summary>
    void Replay(IReadOnlyList<SourceRow> committed);

    /// <summary>The work that needs no database (parsing, normalising, encrypting), done ahead of the writes.</summary>
    IImportBatch Prepare(IReadOnlyList<SourceRow> rows);
}

/// <summary>A prepared batch.</summary>
public interface IImportBatch
{
    /// <summary>Records the batch inside the transaction that also commits its counts and checkpoint.</summary>
    Task<ImportBatchCounts> WriteAsync(NpgsqlConnection connection, CancellationToken ct);
}

/// <summary>What a batch's rows became; every row is counted once: created, updated, duplicate or rejected.</summary>
public sealed record ImportBatchCounts(int Created, int Updated, int Duplicates, IReadOnlyList<RejectedRow> Rejected)
{
    /// <summary>Recorded rows that brought more numbers than the one kept (contacts: kept as the contact's other phones).</summary>
    public int OtherPhones { get; init; }
}
