using System.Diagnostics;
using System.Globalization;
using System.Text;
using PhoneCrm.Bench.Data;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Contacts.Import;
using PhoneCrm.Infrastructure.Imports;
using PhoneCrm.Infrastructure.Protection;

namespace PhoneCrm.Bench;

/// <summary>
/// The web process's share of a contact import, in-process and without a database: the CPU each row costs before its
/// batch is written (issue 18 item 2 — once the writes run on both cores, this competes with them). The same generated
/// messy CSV as <c>import</c> (<see cref="ImportBenchData"/>), run through the import's own code: the file's chunks
/// decrypted (<see cref="ImportFileStore"/> seals them), the count pass and the read (<see cref="ImportFileReader"/>),
/// <see cref="ImportRowNormalizer"/>, the in-file dedupe and staging (<see cref="ContactBatchPreparer"/>: encryption,
/// blind indexes, name entries, time zone). First each stage alone on one thread (µs of wall and of process CPU per row,
/// bytes allocated per row), with the parts of staging apart; then the batches as <c>ImportRun</c> prepares them (10,000
/// rows, normalising and staging in parallel). Baseline, same run: reading the CSV's lines with a <see cref="StreamReader"/>.
/// </summary>
public sealed class ImportPrepareBenchmark(int rows) : IBenchmark
{
    private const int Seed = 2026;
    private const int Repeats = 5;
    private const int ChunkSize = 1 << 20;

    public string Name => "import-prepare";
    public string Description => $"prepare a {rows:N0}-row messy CSV as the import does, no database: µs of CPU per row per stage; baseline: reading its lines";

    public Task RunAsync()
    {
        var csv = new MemoryStream();
        var expected = ImportBenchData.Generate(csv, rows, Seed);
        var bytes = csv.ToArray();
        Console.WriteLine($"   generated {bytes.Length / 1e6:N1} MB: {expected.Rows:N0} rows = {expected.ValidUnique:N0} valid unique "
            + $"+ {expected.Duplicates:N0} duplicates + {expected.Junk:N0} junk; {Environment.ProcessorCount} cores, "
            + $"{(System.Runtime.GCSettings.IsServerGC ? "server GC, as the web process" : "workstation GC (the web process runs server GC: DOTNET_gcServer=1)")}");

        var ring = PiiKeyRing.CreateForTests();
        using var pii = new PiiProtector(ring);
        using var blind = new BlindIndex(ring);
        var tenant = Guid.CreateVersion7();
        var index = blind.ForTenant(tenant, BlindIndex.TenantBoundVersion);
        const string zone = "Europe/Moscow";
        var chunks = bytes.Chunk(ChunkSize).Select(c => pii.EncryptBytes(c, tenant, ImportFileStore.ChunkContext)).ToArray();

        ContactBatchPreparer NewPreparer(IReadOnlyList<string> header) =>
            new(new ImportRowNormalizer(ColumnMapper.Map(header), "RU"), pii, index, zone);

        // Inputs of each stage, and a warm-up of every path (JIT, libphonenumber's metadata, the ciphers of this thread).
        List<SourceRow> sourceRows;
        IReadOnlyList<string> header;
        using (var reader = ImportFileReader.Open(new MemoryStream(bytes)))
        {
            header = reader.Header.Fields;
            sourceRows = [.. reader.ReadRows()];
        }

        var warm = NewPreparer(header);
        foreach (var batch in sourceRows.Take(20_000).Chunk(ContactImportHandler.BatchSize)) warm.Prepare(batch);
        var results = sourceRows.Select(warm.Normalizer.Normalize).ToArray();
        var normalized = results.OfType<NormalizedImportRow>().ToArray();
        var dedupe = new InFileDuplicateFilter();
        var valid = normalized.Where(r => dedupe.Add(r.Phone)).ToArray();
        Check(sourceRows.Count == expected.Rows && valid.Length == expected.ValidUnique
            && normalized.Length - valid.Length == expected.Duplicates && results.Length - normalized.Length == expected.Junk,
            "stage inputs");

        var n = sourceRows.Count;
        Console.WriteLine($"   one thread, each stage alone (best of {Repeats}; per data row unless said):");
        Console.WriteLine($"   {"stage",-44} {"µs wall",8} {"µs CPU",8} {"B alloc",8}  ratio");
        var baseline = Measure(n, () =>
        {
            using var lines = new StreamReader(new MemoryStream(bytes), Encoding.UTF8);
            while (lines.ReadLine() is not null) { }
        });
        void Row(string name, Stats s) =>
            Console.WriteLine($"   {name,-44} {s.WallUs,8:0.00} {s.CpuUs,8:0.00} {s.AllocBytes,8:N0}  {s.CpuUs / baseline.CpuUs,5:0.0}×");
        Row("baseline: StreamReader.ReadLine", baseline);

        var decrypt = Measure(n, () =>
        {
            foreach (var chunk in chunks) pii.DecryptBytes(chunk, tenant, ImportFileStore.ChunkContext);
        });
        Row("decrypt the file's chunks (×2 in a run)", decrypt);
        var count = Measure(n, () => Check(ImportFileReader.CountDataRows(new MemoryStream(bytes)) == n, "count"));
        Row("count pass (CountDataRows)", count);
        var read = Measure(n, () =>
        {
            using var reader = ImportFileReader.Open(new MemoryStream(bytes));
            var read = 0;
            foreach (var row in reader.ReadRows()) read++;
            Check(read == n, "read");
        });
        Row("read + parse (ImportFileReader.ReadRows)", read);
        var normalize = Measure(n, () =>
        {
            foreach (var row in sourceRows) warm.Normalizer.Normalize(row);
        });
        Row("normalise (ImportRowNormalizer.Normalize)", normalize);
        var seen = Measure(n, () =>
        {
            var filter = new InFileDuplicateFilter();
            foreach (var row in normalized) filter.Add(row.Phone);
        });
        Row("in-file dedupe (InFileDuplicateFilter)", seen);
        var stage = Measure(n, () =>
        {
            var preparer = NewPreparer(header); // an empty name cache, as a new import starts
            foreach (var row in valid) preparer.Stage(row);
        });
        Row("stage (ContactBatchPreparer.Stage)", stage);

        // The parts of staging, called as Stage calls them (per data row, so they add up to the line above).
        Row("  blind indexes: phone, suffix, email, tombstone", Measure(n, () =>
        {
            var preparer = NewPreparer(header); // suffixes remembered per import
            foreach (var r in valid)
            {
                index.Tombstone(index.Phone(r.Phone.E164));
                preparer.PhoneSuffix(r.Phone.E164);
                if (r.Email is not null) index.Email(r.Email);
            }
        }));
        Row("  AES-GCM: phone, names, email, others", Measure(n, () =>
        {
            foreach (var r in valid)
            {
                pii.Encrypt(r.Phone.E164, tenant, ContactService.PhoneContext);
                pii.Encrypt(r.FirstName, tenant, ContactService.FirstNameContext);
                pii.Encrypt(r.LastName, tenant, ContactService.LastNameContext);
                pii.Encrypt(r.Email, tenant, ContactService.EmailContext);
                pii.Encrypt(r.MiddleName, tenant, ContactService.MiddleNameContext);
                if (r.OtherPhones.Count > 0) pii.Encrypt(string.Join(", ", r.OtherPhones), tenant, ContactService.OtherPhonesContext);
            }
        }));
        Row("  name entries, uncached (NameTokens)", Measure(n, () =>
        {
            foreach (var r in valid)
            {
                if (r.FirstName is not null) index.NameTokens(r.FirstName, null);
                if (r.LastName is not null) index.NameTokens(r.LastName, null);
            }
        }));
        Row("  time zone (ZoneOf: city remembered)", Measure(n, () =>
        {
            var preparer = NewPreparer(header);
            foreach (var r in valid) preparer.ZoneOf(r.City, r.Phone.E164);
        }));
        Row("  row id (NewId, version 7)", Measure(n, () =>
        {
            foreach (var r in valid) ContactBatchPreparer.NewId();
        }));
        var sum = new Stats(decrypt.WallUs * 2 + count.WallUs + read.WallUs + normalize.WallUs + seen.WallUs + stage.WallUs,
            decrypt.CpuUs * 2 + count.CpuUs + read.CpuUs + normalize.CpuUs + seen.CpuUs + stage.CpuUs,
            decrypt.AllocBytes * 2 + count.AllocBytes + read.AllocBytes + normalize.AllocBytes + seen.AllocBytes + stage.AllocBytes);
        Row("sum of the stages (one thread)", sum);

        // As ImportRun prepares: the rows read lazily, cut into batches, each normalised and staged on every core.
        var run = Measure(n, () =>
        {
            using var reader = ImportFileReader.Open(new MemoryStream(bytes));
            var preparer = NewPreparer(reader.Header.Fields);
            int created = 0, duplicates = 0, rejected = 0;
            foreach (var batch in reader.ReadRows().Chunk(ContactImportHandler.BatchSize))
            {
                var (staged, dup, rej) = preparer.Prepare(batch);
                created += staged.Length;
                duplicates += dup;
                rejected += rej.Length;
            }

            Check(created == expected.ValidUnique && duplicates == expected.Duplicates && rejected == expected.Junk, "prepared counts");
        }, allThreads: true);
        Console.WriteLine($"   as ImportRun prepares (read, then batches of {ContactImportHandler.BatchSize:N0} normalised and staged in parallel):");
        Console.WriteLine($"   {"",-44} {run.WallUs,8:0.00} {run.CpuUs,8:0.00} {run.AllocBytes,8:N0}  {run.CpuUs / baseline.CpuUs,5:0.0}×  "
            + $"({n / (run.WallUs * n / 1e6):N0} rows/s on {Environment.ProcessorCount} cores; process CPU, all threads)");
        return Task.CompletedTask;
    }

    /// <param name="WallUs">Elapsed µs per row.</param>
    /// <param name="CpuUs">Process CPU µs per row (every thread: the work, the GC, the thread pool).</param>
    /// <param name="AllocBytes">Managed bytes allocated per row.</param>
    private sealed record Stats(double WallUs, double CpuUs, double AllocBytes);

    /// <summary>Best of <see cref="Repeats"/> runs by CPU; allocations of this thread, or of every thread with <paramref name="allThreads"/>.</summary>
    private static Stats Measure(int rows, Action action, bool allThreads = false)
    {
        Stats? best = null;
        for (var i = 0; i < Repeats; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var allocated = allThreads ? GC.GetTotalAllocatedBytes(precise: true) : GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            action();
            var wall = sw.Elapsed;
            process.Refresh();
            var used = process.TotalProcessorTime - cpu;
            var bytes = (allThreads ? GC.GetTotalAllocatedBytes(precise: true) : GC.GetAllocatedBytesForCurrentThread()) - allocated;
            var stats = new Stats(wall.TotalMicroseconds / rows, used.TotalMicroseconds / rows, (double)bytes / rows);
            if (best is null || stats.CpuUs < best.CpuUs) best = stats;
        }

        return best!;
    }

    private static void Check(bool ok, string what)
    {
        if (!ok) throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"import-prepare: {what} differ from the generator's counts."));
    }
}
