using System.Diagnostics;
using PhoneCrm.Bench.Data;
using PhoneCrm.Infrastructure.Contacts.Import;
using PhoneCrm.Infrastructure.Imports;
using Xunit.Abstractions;

namespace PhoneCrm.Infrastructure.Tests.Contacts.Import;

/// <summary>
/// Measures memory the reader holds with <see cref="GC.GetTotalMemory"/>, which counts the whole process: run alone, so
/// another test class's allocations running beside it are not charged to the reader.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuresProcessMemory
{
    public const string Name = "measures process memory";
}

[Collection(MeasuresProcessMemory.Name)]
public class ImportBenchDataTests(ITestOutputHelper output)
{
    private static (int Created, int Duplicates, int Rejected, int Rows, int LastLine) Import(Stream file, int batchSize = 5000)
    {
        using var reader = ImportFileReader.Open(file);
        var normalizer = new ImportRowNormalizer(ColumnMapper.Map(reader.Header.Fields));
        var filter = new InFileDuplicateFilter();
        int created = 0, duplicates = 0, rejected = 0, rows = 0, lastLine = 0;
        var batch = new List<SourceRow>(batchSize);
        var results = new ImportRowResult[batchSize];

        void Flush()
        {
            normalizer.NormalizeBatch(batch, results);
            for (var i = 0; i < batch.Count; i++)
            {
                switch (results[i])
                {
                    case NormalizedImportRow row when filter.Add(row.Phone):
                        created++;
                        break;
                    case NormalizedImportRow:
                        duplicates++;
                        break;
                    default:
                        rejected++;
                        break;
                }
            }

            rows += batch.Count;
            lastLine = batch.Count > 0 ? batch[^1].Line : lastLine;
            batch.Clear();
        }

        foreach (var row in reader.ReadRows())
        {
            batch.Add(row);
            if (batch.Count == batchSize)
            {
                Flush();
            }
        }

        Flush();
        return (created, duplicates, rejected, rows, lastLine);
    }

    [Fact]
    public void Generated_counts_match_what_the_pipeline_produces_for_20k_rows()
    {
        var file = new MemoryStream();
        var expected = ImportBenchData.Generate(file, 20_000, seed: 42);
        Assert.Equal(20_000, expected.ValidUnique + expected.Duplicates + expected.Junk);
        Assert.InRange(expected.Junk, 500, 700);        // ~3 %
        Assert.InRange(expected.Duplicates, 850, 1150); // ~5 %

        file.Position = 0;
        Assert.Equal(20_000, ImportFileReader.CountDataRows(file, leaveOpen: true));
        file.Position = 0;
        var actual = Import(file);
        Assert.Equal((expected.ValidUnique, expected.Duplicates, expected.Junk, 20_000), (actual.Created, actual.Duplicates, actual.Rejected, actual.Rows));
        Assert.Equal(expected.PhysicalLines, actual.LastLine); // multi-line comments keep line numbers true
    }

    [Fact]
    public void Reads_simple_rows_fast()
    {
        var text = "phone;first_name;city\n" + string.Concat(Enumerable.Range(0, 500_000).Select(i => $"8916{i:0000000};Иван;Москва\n"));
        var bytes = new System.Text.UTF8Encoding(false).GetBytes(text);
        ImportFileReader.CountDataRows(new MemoryStream(bytes)); // warm-up
        var sw = Stopwatch.StartNew();
        using var reader = ImportFileReader.Open(new MemoryStream(bytes));
        var count = reader.ReadRows().Count();
        var rate = count / sw.Elapsed.TotalSeconds;
        Assert.Equal(500_000, count);
        output.WriteLine($"simple rows: {rate:N0} rows/s");
    }

    [Fact]
    public void Generation_is_deterministic_per_seed()
    {
        var a = new MemoryStream();
        var b = new MemoryStream();
        var c = new MemoryStream();
        ImportBenchData.Generate(a, 2000, 7);
        ImportBenchData.Generate(b, 2000, 7);
        ImportBenchData.Generate(c, 2000, 8);
        Assert.Equal(a.ToArray(), b.ToArray());
        Assert.NotEqual(a.ToArray(), c.ToArray());
        Assert.Equal([0xEF, 0xBB, 0xBF], a.ToArray()[..3]);
        var preview = ImportFileReader.ReadHeaderAndPreview(new MemoryStream(a.ToArray()), 5);
        Assert.Equal(';', preview.Delimiter);
        Assert.Equal(ImportBenchData.Header, preview.Header.Fields);
    }

    [Fact]
    public void Streams_200k_rows_in_bounded_memory_and_reports_throughput()
    {
        var path = Path.Combine(Path.GetTempPath(), $"import-bench-{Guid.NewGuid():N}.csv");
        try
        {
            ImportBenchCounts expected;
            using (var file = File.Create(path))
            {
                expected = ImportBenchData.Generate(file, 200_000, seed: 1);
            }

            var size = new FileInfo(path).Length;

            // Read: memory held at the end of the file must not depend on its 200k rows.
            GC.Collect();
            var baseline = GC.GetTotalMemory(forceFullCollection: true);
            long peakHeld = 0;
            var sw = Stopwatch.StartNew();
            var count = 0;
            using (var reader = ImportFileReader.Open(File.OpenRead(path)))
            {
                foreach (var row in reader.ReadRows())
                {
                    count++;
                    if (count % 50_000 == 0)
                    {
                        sw.Stop();
                        peakHeld = Math.Max(peakHeld, GC.GetTotalMemory(forceFullCollection: true) - baseline);
                        sw.Start();
                    }
                }
            }

            var readRate = count / sw.Elapsed.TotalSeconds;
            Assert.Equal(200_000, count);
            Assert.True(peakHeld < 8 * 1024 * 1024, $"reader held {peakHeld} bytes for a {size}-byte file");

            sw.Restart();
            var counted = ImportFileReader.CountDataRows(File.OpenRead(path));
            var countRate = counted / sw.Elapsed.TotalSeconds;
            Assert.Equal(200_000, counted);

            sw.Restart();
            var actual = Import(File.OpenRead(path));
            var pipelineRate = actual.Rows / sw.Elapsed.TotalSeconds;
            Assert.Equal((expected.ValidUnique, expected.Duplicates, expected.Junk), (actual.Created, actual.Duplicates, actual.Rejected));

            output.WriteLine($"file {size / 1e6:F1} MB, {Environment.ProcessorCount} cores");
            output.WriteLine($"read: {readRate:N0} rows/s; count: {countRate:N0} rows/s; read+normalise+dedupe: {pipelineRate:N0} rows/s; reader held {peakHeld / 1024} KB");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
