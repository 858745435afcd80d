using System.Globalization;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Time;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Web.Hosting;

/// <summary>
/// The tenant's wall clock, the one formatter and parser of instants for pages and forms: every instant shown is in the
/// zone of the tenant's sending settings, and every time entered is read in it. Loaded once per request by
/// <see cref="Features.Access.UiController"/>; pages without a tenant (sign-in, public forms) read UTC.
/// </summary>
public sealed class TenantClock(SendingSettingsService settings, TenantContext tenant, TimeProvider time, IStringLocalizer<SharedResource> t)
{
    /// <summary>The value format of <c>&lt;input type="datetime-local"&gt;</c>.</summary>
    private const string InputFormat = "yyyy-MM-ddTHH:mm";

    private static readonly string[] _inputFormats = [InputFormat, "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"];

    private TimeZoneInfo? _zone;

    public TimeZoneInfo Zone => _zone ?? TimeZoneInfo.Utc;

    public async Task LoadAsync(CancellationToken ct = default)
    {
        if (_zone is not null || tenant.TenantId is null) return;
        var id = (await settings.GetAsync(ct)).TimeZone;
        _zone = TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
    }

    public DateTimeOffset Now => ToLocal(time.GetUtcNow());

    public DateTimeOffset ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    /// <summary>Date and short time in the UI culture, e.g. «04.12.2026 20:42».</summary>
    public string Format(DateTimeOffset instant) => ToLocal(instant).ToString("g", CultureInfo.CurrentCulture);

    public string Format(DateTimeOffset? instant) => instant is { } i ? Format(i) : "";

    /// <summary>To the second and with its offset, for evidence that must stand alone on paper: «2026-12-04 20:42:05 UTC+03:00».</summary>
    public string FormatStamp(DateTimeOffset instant) =>
        ToLocal(instant).ToString("yyyy-MM-dd HH:mm:ss 'UTC'zzz", CultureInfo.InvariantCulture);

    /// <summary>The local calendar day of an instant (e.g. when a consent expires).</summary>
    public string FormatDate(DateTimeOffset instant) => ToLocal(instant).ToString("d", CultureInfo.CurrentCulture);

    /// <summary>The value of a <c>datetime-local</c> field showing <paramref name="instant"/>.</summary>
    public string FormatInput(DateTimeOffset? instant) =>
        instant is { } i ? ToLocal(i).ToString(InputFormat, CultureInfo.InvariantCulture) : "";

    /// <summary>Reads a local date and time from a form (<c>datetime-local</c>) as the instant it names.</summary>
    /// <param name="instant">Null when the field is empty.</param>
    /// <returns>False when the text is not a date and time.</returns>
    public bool TryParse(string? local, out DateTimeOffset? instant)
    {
        instant = null;
        if (string.IsNullOrWhiteSpace(local)) return true;
        if (!DateTime.TryParseExact(local.Trim(), _inputFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var reading)) return false;
        instant = WallClock.ToUtc(reading, Zone);
        return true;
    }

    /// <summary>The instants of a range of whole local days, <paramref name="to"/> included: [start of from, start of the day after to).</summary>
    public (DateTimeOffset Start, DateTimeOffset End) Days(DateOnly from, DateOnly to) =>
        (WallClock.StartOf(from, Zone), WallClock.StartOf(to.AddDays(1), Zone));

    /// <summary>The zone as people name it, e.g. «Москва (UTC+03:00)»: the city of its IANA id and its offset now.</summary>
    public string ZoneName
    {
        get
        {
            var offset = Zone.GetUtcOffset(time.GetUtcNow());
            var utc = "UTC" + (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
            if (!Zone.Id.Contains('/', StringComparison.Ordinal) || Zone.Id.StartsWith("Etc/", StringComparison.Ordinal)) return utc;
            var city = Zone.Id[(Zone.Id.LastIndexOf('/') + 1)..].Replace('_', ' ');
            return $"{t[city]} ({utc})";
        }
    }
}
