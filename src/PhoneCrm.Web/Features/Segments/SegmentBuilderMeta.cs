using System.Text.Json;
using Microsoft.Extensions.Localization;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Infrastructure.Segments;

namespace PhoneCrm.Web.Features.Segments;

/// <summary>
/// What segment-builder.js needs, as one JSON object rendered into the page: the fields of <see cref="RuleFields"/> with
/// translated labels and the input each op takes, the value lists (categories and purposes from the tenant's data) and
/// the UI texts (from the shared resx, so RU/EN follow the request culture).
/// </summary>
public static class SegmentBuilderMeta
{
    private static readonly Dictionary<string, string> _fieldLabels = new(StringComparer.Ordinal)
    {
        ["city"] = "City", ["gender"] = "Gender", ["age"] = "Age", ["birthday"] = "Birthday", ["tags"] = "Tags",
        ["sourceChannel"] = "Source", ["createdAt"] = "Added to the base", ["phoneType"] = "Number type", ["status"] = "Status",
        ["lastPurchaseAt"] = "Last purchase", ["ordersCount"] = "Number of orders", ["totalSpent"] = "Total spent",
        ["avgOrderValue"] = "Average order value", ["purchasedCategory"] = "Bought category", ["lastEngagedAt"] = "Last engagement",
        ["unansweredMessages"] = "Unanswered messages", ["unansweredCalls"] = "Unanswered calls", ["consent"] = "Consent state",
    };

    private static readonly Dictionary<string, string> _opLabels = new(StringComparer.Ordinal)
    {
        [RuleFields.Eq] = "is", [RuleFields.Neq] = "is not", [RuleFields.In] = "is one of", [RuleFields.Contains] = "includes",
        [RuleFields.Gt] = "greater than", [RuleFields.Gte] = "at least", [RuleFields.Lt] = "less than", [RuleFields.Lte] = "at most",
        [RuleFields.Between] = "between", [RuleFields.WithinDays] = "within the last N days", [RuleFields.OlderThanDays] = "more than N days ago",
        [RuleFields.Exists] = "is set", [RuleFields.Has] = "has", [RuleFields.Lacks] = "lacks",
    };

    private static readonly Dictionary<string, string> _timeOpLabels = new(StringComparer.Ordinal)
    {
        [RuleFields.Gt] = "after", [RuleFields.Gte] = "on or after", [RuleFields.Lt] = "before", [RuleFields.Lte] = "on or before",
    };

    private static readonly string[] _phoneTypes =
        ["mobile", "fixed_line", "fixed_line_or_mobile", "toll_free", "premium_rate", "shared_cost", "voip", "personal_number", "uan", "unknown"];

    /// <summary>UI texts by key (the key is the English text, as everywhere else).</summary>
    private static readonly string[] _texts =
    [
        "All of these (AND)", "Any of these (OR)", "NOT: exclude contacts that match this group", "Add condition", "Add group",
        "Remove group", "Remove condition", "Field", "Operator", "Value", "range from", "range to", "days", "yes", "no", "in the last N days (optional)",
        "Purpose", "Channel", "Comma-separated values", "No conditions yet: the segment matches everyone.", "Group", "Condition",
        "The JSON is not valid; the builder keeps the last valid rule.", "Counting…",
    ];

    public static string Build(IStringLocalizer t, IReadOnlyList<string> categories, IReadOnlyList<string> purposes)
    {
        var fields = RuleFields.All.Select(f => new
        {
            name = f.Name,
            label = t[_fieldLabels.GetValueOrDefault(f.Name, f.Name)].Value,
            kind = f.Kind.ToString().ToLowerInvariant(),
            ops = f.Ops.Select(o => new
            {
                op = o,
                label = t[(f.Kind == FieldKind.Timestamp ? _timeOpLabels.GetValueOrDefault(o) : null) ?? _opLabels[o]].Value,
            }),
            values = Values(t, f),
        });
        var meta = new
        {
            fields,
            categories,
            purposes = purposes.Select(p => new { code = p, label = t.Code("purpose", p) }),
            channels = ConsentTerms.Channels.Select(c => new { code = c, label = t.Code("channel", c) }),
            texts = _texts.ToDictionary(k => k, k => t[k].Value, StringComparer.Ordinal),
        };
        return JsonSerializer.Serialize(meta);
    }

    private static object[]? Values(IStringLocalizer t, RuleField f) => f.Name switch
    {
        "gender" => f.Values!.Select(v => (object)new { code = v, label = t.Code("gender", v) }).ToArray(),
        "sourceChannel" => f.Values!.Select(v => (object)new { code = v, label = t.Code("source", v) }).ToArray(),
        "status" => f.Values!.Select(v => (object)new { code = v, label = t.Code("status", v) }).ToArray(),
        "phoneType" => _phoneTypes.Select(v => (object)new { code = v, label = t.Code("phoneType", v) }).ToArray(),
        _ => null,
    };
}
