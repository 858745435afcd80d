using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Html;
using PhoneCrm.Domain.Hygiene;

namespace PhoneCrm.Web.Features.Hygiene;

/// <summary>The base-health trend as SVG polylines (drawn on the server: no script, prints as it shows).</summary>
public static class BaseHealthChart
{
    public const int Width = 600;
    public const int Height = 200;
    private const int Pad = 30;

    public sealed record Series(string Key, string Color, string Points);

    /// <summary>One line per share, months left to right, 0–100 % bottom to top.</summary>
    public static IReadOnlyList<Series> Lines(IReadOnlyList<BaseHealthSnapshot> trend)
    {
        ArgumentNullException.ThrowIfNull(trend);
        string Points(Func<BaseHealthSnapshot, int> part) => string.Join(' ', trend.Select((s, i) =>
            string.Create(CultureInfo.InvariantCulture, $"{X(i, trend.Count):0.#},{Y(BaseHealthSnapshot.Share(part(s), s.Total)):0.#}")));
        return
        [
            new("valid", "#198754", Points(s => s.Valid)),
            new("unreachable", "#dc3545", Points(s => s.Unreachable)),
            new("unengaged", "#fd7e14", Points(s => s.Unengaged)),
            new("unconsented", "#6c757d", Points(s => s.Unconsented)),
        ];
    }

    /// <summary>The SVG <c>text</c> elements of the axes (written here: Razor reserves the <c>text</c> tag); numbers and dates only.</summary>
    public static HtmlString AxisLabels(IReadOnlyList<BaseHealthSnapshot> trend)
    {
        ArgumentNullException.ThrowIfNull(trend);
        var labels = new StringBuilder();
        void Label(double x, double y, string value) =>
            labels.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:0.#}\" y=\"{y:0.#}\" font-size=\"10\" fill=\"#6c757d\">{value}</text>");
        Label(2, Y(1) + 4, "100%");
        Label(12, Y(0) + 4, "0%");
        for (var i = 0; i < trend.Count; i++) Label(X(i, trend.Count) - 14, Height - 5, trend[i].Month.ToString("MM.yy", CultureInfo.InvariantCulture));
        return new HtmlString(labels.ToString());
    }

    public static double X(int index, int count) => count <= 1 ? Width / 2.0 : Pad + index * (Width - 2.0 * Pad) / (count - 1);

    public static double Y(double share) => Height - Pad - share * (Height - 2.0 * Pad);

    public static string Percent(int part, int total) => BaseHealthSnapshot.Share(part, total).ToString("P1", CultureInfo.CurrentCulture);
}
