using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Web.Hosting;

namespace PhoneCrm.Web.Features.Requests;

/// <summary>How a notice's clock reads on every page: its name, its state as a word and a colour, and the time left or past.</summary>
public static class BreachClockLabel
{
    public static string Name(BreachNotice notice, IStringLocalizer t) =>
        notice == BreachNotice.Initial ? t["Initial notice (24 h)"] : t["Results notice (72 h)"];

    /// <summary>Bootstrap's badge colour: red when overdue or sent late, amber when due soon.</summary>
    public static string Css(BreachClock c) => c.State switch
    {
        BreachClockState.Overdue or BreachClockState.SentLate => "text-bg-danger",
        BreachClockState.DueSoon => "text-bg-warning",
        BreachClockState.SentOnTime => "text-bg-success",
        _ => "text-bg-secondary",
    };

    public static string Text(BreachClock c, IStringLocalizer t, TenantClock clock) => c.State switch
    {
        BreachClockState.Overdue => t["overdue by {0}", Duration(c.Left, t)],
        BreachClockState.SentOnTime => t["sent {0}", clock.Format(c.SentAt!.Value)],
        BreachClockState.SentLate => t["sent {0}, {1} late", clock.Format(c.SentAt!.Value), Duration(c.Left, t)],
        _ => t["{0} left", Duration(c.Left, t)],
    };

    /// <summary>Hours and minutes, rounded towards the deadline's side so «0 min left» never shows while time remains.</summary>
    public static string Duration(TimeSpan span, IStringLocalizer t)
    {
        var minutes = (long)Math.Ceiling(span.Duration().TotalMinutes);
        return minutes >= 60 ? t["{0} h {1} min", minutes / 60, minutes % 60] : t["{0} min", minutes];
    }
}
