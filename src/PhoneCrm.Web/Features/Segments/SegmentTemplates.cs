namespace PhoneCrm.Web.Features.Segments;

/// <summary>The one-click starting points of PRODUCT.md §2.3; each is an ordinary rule the user can edit.</summary>
public static class SegmentTemplates
{
    public sealed record Template(string Key, string Title, string Rule);

    public static IReadOnlyList<Template> All { get; } =
    [
        new("recent-buyers", "Bought in the last 30 days", """{"all":[{"field":"lastPurchaseAt","op":"within_days","value":30}]}"""),
        new("lapsed-6m", "No purchase for 6 months", """{"all":[{"field":"lastPurchaseAt","op":"older_than_days","value":180}]}"""),
        new("gardeners", "Bought garden goods", """{"all":[{"field":"purchasedCategory","op":"contains","value":"garden"}]}"""),
        new("birthday-week", "Birthday within 7 days", """{"all":[{"field":"birthday","op":"within_days","value":7}]}"""),
        // "not engaged in the last 270 days" (also: never engaged) — an anti-join, where the equivalent any(older, missing) is a per-row probe.
        new("inactive-9m", "Inactive 9 months", """{"not":{"all":[{"field":"lastEngagedAt","op":"within_days","value":270}]}}"""),
        new("marketing-sms", "Has marketing SMS consent", """{"all":[{"field":"consent","op":"has","value":{"purpose":"marketing","channel":"sms"}}]}"""),
    ];

    public static Template? Find(string? key) => All.FirstOrDefault(t => t.Key == key);
}
