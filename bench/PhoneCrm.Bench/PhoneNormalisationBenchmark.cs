using System.Diagnostics;
using PhoneCrm.Domain.Contacts;
using PhoneNumbers;

namespace PhoneCrm.Bench;

/// <summary>
/// Our phone normalisation (clean-up, extension split, parse, validate, type, carrier, E.164) against the bare
/// libphonenumber parse + validate + format it is built on, over the same messy inputs.
/// </summary>
public sealed class PhoneNormalisationBenchmark : IBenchmark
{
    private const int Count = 300_000;

    public string Name => "phones";
    public string Description => $"normalise {Count:N0} messy numbers; baseline: bare libphonenumber parse+validate+format";

    public Task RunAsync()
    {
        var inputs = Inputs();
        var util = PhoneNumberUtil.GetInstance();
        foreach (var s in inputs.Take(5000)) { PhoneParser.Parse(s); Baseline(util, s); } // warm-up

        var baseline = Measure(() => { foreach (var s in inputs) Baseline(util, s); });
        var ours = Measure(() => { foreach (var s in inputs) PhoneParser.Parse(s); });
        Console.WriteLine($"   baseline libphonenumber: {Count / baseline:N0} numbers/s");
        Console.WriteLine($"   PhoneParser.Parse:       {Count / ours:N0} numbers/s");
        Console.WriteLine($"   ratio: {baseline / ours:P0} of the baseline throughput");
        return Task.CompletedTask;
    }

    private static void Baseline(PhoneNumberUtil util, string s)
    {
        try
        {
            var n = util.Parse(s, "RU");
            if (util.IsValidNumber(n)) util.Format(n, PhoneNumberFormat.E164);
        }
        catch (NumberParseException)
        {
        }
    }

    private static double Measure(Action action)
    {
        var sw = Stopwatch.StartNew();
        action();
        return sw.Elapsed.TotalSeconds;
    }

    private static List<string> Inputs()
    {
        var rnd = new Random(42);
        string[] formats = ["8 ({0}) {1}-{2}-{3}", "+7 {0} {1} {2} {3}", "{0}{1}{2}{3}", "8-{0}-{1}-{2}-{3}", "+7({0}){1}{2}{3}"];
        var list = new List<string>(Count);
        for (var i = 0; i < Count; i++)
        {
            if (i % 33 == 0) { list.Add("abc " + rnd.Next(1000)); continue; }
            var code = 900 + rnd.Next(100);
            list.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture, formats[i % formats.Length], code,
                rnd.Next(100, 1000), rnd.Next(10, 100).ToString("00", System.Globalization.CultureInfo.InvariantCulture),
                rnd.Next(10, 100).ToString("00", System.Globalization.CultureInfo.InvariantCulture)));
        }

        return list;
    }
}
