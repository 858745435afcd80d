using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace PhoneCrm.Web.Features.Analytics;

/// <summary>
/// A small weekly chart drawn on the server as SVG (no script, no CDN; prints as it shows): one bar per week, the
/// largest value labelled, weeks without a value (a rate with nothing sent) left empty.
/// </summary>
public static class WeeklyChart
{
    public const int Width = 320;
    public const int Height = 120;
    private const int Pad = 18;

    /// <param name="id">The element id (tests find a chart by it).</param>
    /// <param name="title">The chart's accessible name, already in the page's language.</param>
    /// <param name="weeks">Each week's Monday and value (null: nothing to show).</param>
    /// <param name="format">How a value is written (a count, a percentage, money).</param>
    public static HtmlString Svg(string id, string title, IReadOnlyList<(DateOnly Monday, double? Value)> weeks, Func<double, string> format)
    {
        ArgumentNullException.ThrowIfNull(weeks);
        ArgumentNullException.ThrowIfNull(format);
        var enc = HtmlEncoder.Default;
        var max = weeks.Select(w => w.Value ?? 0).DefaultIfEmpty(0).Max();
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg id=\"{enc.Encode(id)}\" role=\"img\" aria-label=\"{enc.Encode(title)}\" viewBox=\"0 0 {Width} {Height}\" class=\"w-100 border rounded bg-white analytics-chart\">");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Pad}\" y1=\"{Height - Pad}\" x2=\"{Width - 4}\" y2=\"{Height - Pad}\" stroke=\"#ced4da\" />");
        var slot = weeks.Count == 0 ? 0 : (Width - Pad - 4.0) / weeks.Count;
        for (var i = 0; i < weeks.Count; i++)
        {
            if (weeks[i].Value is not { } v) continue;
            var h = max > 0 ? v / max * (Height - 2.0 * Pad) : 0;
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect data-week=\"{weeks[i].Monday:yyyy-MM-dd}\" data-value=\"{v:0.####}\" x=\"{Pad + i * slot + slot * 0.15:0.#}\" y=\"{Height - Pad - h:0.#}\" width=\"{Math.Max(slot * 0.7, 1):0.#}\" height=\"{h:0.#}\" fill=\"#0d6efd\"><title>{enc.Encode(weeks[i].Monday.ToString("d", CultureInfo.CurrentCulture))}: {enc.Encode(format(v))}</title></rect>");
        }

        void Label(double x, double y, string text, string anchor = "start") => svg.Append(CultureInfo.InvariantCulture,
            $"<text x=\"{x:0.#}\" y=\"{y:0.#}\" font-size=\"10\" fill=\"#495057\" text-anchor=\"{anchor}\">{enc.Encode(text)}</text>");
        Label(Pad, 12, format(max));
        if (weeks.Count > 0)
        {
            Label(Pad, Height - 4, weeks[0].Monday.ToString("dd.MM", CultureInfo.InvariantCulture));
            Label(Width - 4, Height - 4, weeks[^1].Monday.ToString("dd.MM", CultureInfo.InvariantCulture), "end");
        }

        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }
}
