namespace PhoneCrm.Web.Hosting;

/// <summary>
/// A CSV download offered in both dialects (<c>Views/Shared/_CsvDownload.cshtml</c>): the link gets <c>csv=excel</c> or
/// <c>csv=comma</c>, and the action picks the dialect with <see cref="Infrastructure.Export.CsvDialect.Choose"/>.
/// </summary>
/// <param name="Label">English key of the link text («Export CSV»).</param>
/// <param name="ButtonClass">Bootstrap button class of the preferred dialect; the other is its outline form.</param>
public sealed record CsvDownload(string Href, string Id, string Label, string ButtonClass = "btn-outline-primary");
