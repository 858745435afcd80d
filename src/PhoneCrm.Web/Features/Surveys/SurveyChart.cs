using System.Globalization;
using PhoneCrm.Domain.Surveys;

namespace PhoneCrm.Web.Features.Surveys;

/// <summary>The weekly report's chart: promoters and detractors per week as paired bars, drawn on the server as SVG.</summary>
public static class SurveyChart
{
    public const int Width = 600;
    public const int Height = 220;
    private const int Left = 36;
    private const int Bottom = 30;
    private const int Top = 10;
    public const string PromoterColor = "#198754";
    public const string DetractorColor = "#b02a37";

    public sealed record Bar(string Series, double X, double Y, double W, double H, int Value, string Color);

    public sealed record Label(double X, string Text);

    public static int Max(IReadOnlyList<WeeklyFigures> weeks)
    {
        ArgumentNullException.ThrowIfNull(weeks);
        return Math.Max(1, weeks.Select(w => Math.Max(w.Figures.Promoters, w.Figures.Detractors)).DefaultIfEmpty(0).Max());
    }

    public static double Y(int value, int max) => Top + (Height - Top - Bottom) * (1 - (double)value / max);

    public static IReadOnlyList<Bar> Bars(IReadOnlyList<WeeklyFigures> weeks)
    {
        ArgumentNullException.ThrowIfNull(weeks);
        var max = Max(weeks);
        var slot = (double)(Width - Left - 10) / Math.Max(1, weeks.Count);
        var w = slot * 0.35;
        var bars = new List<Bar>();
        for (var i = 0; i < weeks.Count; i++)
        {
            var x = Left + i * slot + slot * 0.12;
            var f = weeks[i].Figures;
            bars.Add(new Bar(NpsScore.Promoter, x, Y(f.Promoters, max), w, Height - Bottom - Y(f.Promoters, max), f.Promoters, PromoterColor));
            bars.Add(new Bar(NpsScore.Detractor, x + w, Y(f.Detractors, max), w, Height - Bottom - Y(f.Detractors, max), f.Detractors, DetractorColor));
        }

        return bars;
    }

    public static IReadOnlyList<Label> Labels(IReadOnlyList<WeeklyFigures> weeks)
    {
        ArgumentNullException.ThrowIfNull(weeks);
        var slot = (double)(Width - Left - 10) / Math.Max(1, weeks.Count);
        return weeks.Select((w, i) => new Label(Left + i * slot + slot * 0.47, w.WeekStart.ToString("dd.MM", CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>An SVG text element (Razor reserves the <c>text</c> tag), its content encoded.</summary>
    public static Microsoft.AspNetCore.Html.IHtmlContent Text(double x, double y, string anchor, string content) =>
        new Microsoft.AspNetCore.Html.HtmlString($"<text x=\"{F(x)}\" y=\"{F(y)}\" text-anchor=\"{anchor}\" font-size=\"11\" fill=\"#495057\">{System.Net.WebUtility.HtmlEncode(content)}</text>");

    public static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
