using System.Diagnostics;
using PhoneCrm.Bench;

// One command runs every benchmark (or the ones named): dotnet run -c Release --project bench/PhoneCrm.Bench [name…] [--rows N] [--contacts N] [--recipients N] [--messages N]
// Each prints its figure beside a baseline measured in the same run, as a ratio.
IBenchmark[] all =
[
    new PhoneNormalisationBenchmark(), new ImportBenchmark(ImportBenchmark.RowsFromEnvironment(args)),
    new ImportPrepareBenchmark(ImportBenchmark.OptionFromEnvironment(args, "--rows", "PHONECRM_BENCH_PREPARE_ROWS", 200_000)),
    new SegmentCountBenchmark(ImportBenchmark.OptionFromEnvironment(args, "--contacts", "PHONECRM_BENCH_CONTACTS", 1_000_000)),
    new DispatchBenchmark(ImportBenchmark.OptionFromEnvironment(args, "--recipients", "PHONECRM_BENCH_RECIPIENTS", 1_000_000)),
    new HygieneBenchmark(ImportBenchmark.OptionFromEnvironment(args, "--contacts", "PHONECRM_BENCH_CONTACTS", 1_000_000)),
    new ContactsPageBenchmark(ImportBenchmark.OptionFromEnvironment(args, "--contacts", "PHONECRM_BENCH_CONTACTS", 1_000_000)),
    new AnalyticsBenchmark(ImportBenchmark.OptionFromEnvironment(args, "--contacts", "PHONECRM_BENCH_CONTACTS", 1_000_000),
        ImportBenchmark.OptionFromEnvironment(args, "--messages", "PHONECRM_BENCH_MESSAGES", 5_000_000)),
    new AudienceExportBenchmark(ImportBenchmark.OptionFromEnvironment(args, "--contacts", "PHONECRM_BENCH_CONTACTS", 1_000_000)),
];
var names = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || !args[i - 1].StartsWith("--", StringComparison.Ordinal))).ToArray();
var selected = names.Length == 0 ? all : all.Where(b => names.Contains(b.Name, StringComparer.OrdinalIgnoreCase)).ToArray();
if (selected.Length == 0)
{
    Console.Error.WriteLine($"Unknown benchmark. Available: {string.Join(", ", all.Select(b => b.Name))}");
    return 2;
}

Console.WriteLine($"PhoneCrm benchmarks · {Environment.ProcessorCount} cores · {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
foreach (var benchmark in selected)
{
    Console.WriteLine($"\n== {benchmark.Name}: {benchmark.Description}");
    var sw = Stopwatch.StartNew();
    await benchmark.RunAsync();
    Console.WriteLine($"   ({sw.Elapsed.TotalSeconds:0.0} s)");
}

return 0;
