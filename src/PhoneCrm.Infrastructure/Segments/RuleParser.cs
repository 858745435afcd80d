using System.Globalization;
using System.Text.Json;
using PhoneCrm.Domain.Contacts;
using PhoneCrm.Infrastructure.Events;
using static PhoneCrm.Infrastructure.Segments.RuleFields;

namespace PhoneCrm.Infrastructure.Segments;

/// <summary>
/// Validates rule JSON and types its values. Every problem is reported with its path (<c>rule.all[1].op: …</c>), all
/// at once. Values: text fields → string / string[] (<c>in</c>); numbers → decimal / decimal[2] (<c>between</c>);
/// days → int; <c>exists</c> → bool; time fields → <see cref="TimeValue"/> / TimeValue[2]; consent → <see cref="ConsentValue"/>.
/// </summary>
public sealed class RuleParser
{
    public const int MaxDepth = 10;
    public const int MaxConditions = 200;
    public const int MaxDays = 36_500;
    public const int MaxListItems = 500;

    private readonly List<string> _errors = [];
    private int _conditions;

    public static RuleNode? Parse(JsonElement? rule, out IReadOnlyList<string> errors)
    {
        var parser = new RuleParser();
        RuleNode? node = null;
        if (rule is not { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } r) parser.Fail<object>("rule", "A rule is required.");
        else node = parser.Node(r, "rule", 0);
        errors = parser._errors;
        return parser._errors.Count == 0 ? node : null;
    }

    private RuleNode? Node(JsonElement e, string path, int depth)
    {
        if (e.ValueKind != JsonValueKind.Object) return Fail<RuleNode>(path, "Expected a group ({\"all\":[…]}, {\"any\":[…]}, {\"not\":{…}}) or a condition ({\"field\",\"op\",\"value\"}).");
        if (depth > MaxDepth) return Fail<RuleNode>(path, $"Groups may nest at most {MaxDepth} deep.");
        var forms = new[] { "all", "any", "not", "field" }.Where(k => e.TryGetProperty(k, out _)).ToList();
        if (forms.Count != 1) return Fail<RuleNode>(path, "Use exactly one of \"all\", \"any\", \"not\" or a condition with \"field\".");
        switch (forms[0])
        {
            case "all" or "any":
                if (e.EnumerateObject().Count() != 1) return Fail<RuleNode>(path, $"A group has only the \"{forms[0]}\" key.");
                var list = e.GetProperty(forms[0]);
                if (list.ValueKind != JsonValueKind.Array) return Fail<RuleNode>($"{path}.{forms[0]}", "Expected an array.");
                var items = list.EnumerateArray().Select((x, i) => Node(x, $"{path}.{forms[0]}[{i}]", depth + 1)).ToList();
                return items.Any(i => i is null) ? null : forms[0] == "all" ? new AllNode(items!) : new AnyNode(items!);
            case "not":
                if (e.EnumerateObject().Count() != 1) return Fail<RuleNode>(path, "A not-group has only the \"not\" key.");
                var inner = Node(e.GetProperty("not"), path + ".not", depth + 1);
                return inner is null ? null : new NotNode(inner);
            default:
                return Condition(e, path);
        }
    }

    private ConditionNode? Condition(JsonElement e, string path)
    {
        if (++_conditions > MaxConditions) return Fail<ConditionNode>(path, $"A rule may have at most {MaxConditions} conditions.");
        foreach (var p in e.EnumerateObject().Where(p => p.Name is not ("field" or "op" or "value" or "withinDays")))
            Fail<ConditionNode>($"{path}.{p.Name}", "Unknown key.");
        var fieldName = e.GetProperty("field");
        var field = fieldName.ValueKind == JsonValueKind.String ? Find(fieldName.GetString()!) : null;
        if (field is null)
            return Fail<ConditionNode>($"{path}.field", $"Unknown field. Use one of: {string.Join(", ", All.Select(f => f.Name))}.");
        var op = e.TryGetProperty("op", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()! : null;
        if (op is null || !AllOps.Contains(op)) return Fail<ConditionNode>($"{path}.op", $"Unknown op. Use one of: {string.Join(", ", AllOps)}.");
        if (!field.Ops.Contains(op)) return Fail<ConditionNode>($"{path}.op", $"Op \"{op}\" is not allowed for {field.Name}; use one of: {string.Join(", ", field.Ops)}.");

        int? withinDays = null;
        if (e.TryGetProperty("withinDays", out var wd))
        {
            if (field.Kind != FieldKind.Category) return Fail<ConditionNode>($"{path}.withinDays", "Only purchasedCategory takes withinDays.");
            withinDays = Days(wd, $"{path}.withinDays");
            if (withinDays is null) return null;
        }

        var valuePath = path + ".value";
        var value = e.TryGetProperty("value", out var v) ? v : default;
        var typed = Value(field, op, value, valuePath, out var ok);
        return ok ? new ConditionNode(field, op, typed, withinDays) : null;
    }

    private object? Value(RuleField field, string op, JsonElement v, string path, out bool ok)
    {
        var before = _errors.Count;
        object? result = op switch
        {
            Exists => v.ValueKind switch
            {
                JsonValueKind.Undefined or JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => Fail<object>(path, "exists takes true or false."),
            },
            WithinDays or OlderThanDays => Days(v, path, field.Kind == FieldKind.Birthday ? 366 : MaxDays),
            Has or Lacks => Consent(v, path),
            Between => Pair(field, v, path),
            In => List(field, v, path),
            _ => Scalar(field, v, path),
        };
        ok = _errors.Count == before;
        return result;
    }

    private object? Scalar(RuleField field, JsonElement v, string path) => field.Kind switch
    {
        FieldKind.Age or FieldKind.Count => Integer(v, path),
        FieldKind.Money => Number(v, path),
        FieldKind.Timestamp => Time(v, path),
        _ => Text(field, v, path),
    };

    private object? Pair(RuleField field, JsonElement v, string path)
    {
        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() != 2) return Fail<object>(path, "between takes [low, high].");
        var low = Scalar(field, v[0], path + "[0]");
        var high = Scalar(field, v[1], path + "[1]");
        if (low is null || high is null) return null;
        if (low is decimal a && high is decimal b && a > b) return Fail<object>(path, "low must not exceed high.");
        if (low is TimeValue ta && high is TimeValue tb && Comparable(ta) > Comparable(tb)) return Fail<object>(path, "low must not exceed high.");
        return field.Kind == FieldKind.Timestamp ? new[] { (TimeValue)low, (TimeValue)high } : new[] { (decimal)low, (decimal)high };
    }

    private static DateTimeOffset Comparable(TimeValue t) => t.At ?? new DateTimeOffset(t.Date!.Value.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private string[]? List(RuleField field, JsonElement v, string path)
    {
        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() is 0 or > MaxListItems)
            return Fail<string[]>(path, $"in takes an array of 1 to {MaxListItems} values.");
        var items = v.EnumerateArray().Select((x, i) => Text(field, x, $"{path}[{i}]")).ToList();
        return items.Any(i => i is null) ? null : items.OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
    }

    private string? Text(RuleField field, JsonElement v, string path)
    {
        if (v.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetString()) || v.GetString()!.Length > 200)
            return Fail<string>(path, "Expected text of 1 to 200 characters.");
        var s = v.GetString()!.Trim();
        s = field.Kind switch
        {
            FieldKind.Tags => ContactFields.NormalizeTag(s),
            FieldKind.Category => EventInput.NormalizeCategory(s),
            FieldKind.Enum => s.ToLowerInvariant(),
            _ => s,
        };
        if (field.Values is { } allowed && !allowed.Contains(s))
            return Fail<string>(path, $"Unknown value for {field.Name}; use one of: {string.Join(", ", allowed)}.");
        return s;
    }

    private decimal? Number(JsonElement v, string path) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d) ? d : FailValue<decimal>(path, "Expected a number.");

    private decimal? Integer(JsonElement v, string path) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) && i >= 0 ? i : FailValue<decimal>(path, "Expected a non-negative whole number.");

    private int? Days(JsonElement v, string path, int max = MaxDays) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) && i >= 0 && i <= max ? i
            : FailValue<int>(path, $"Expected a whole number of days from 0 to {max}.");

    private TimeValue? Time(JsonElement v, string path)
    {
        var s = v.ValueKind == JsonValueKind.String ? v.GetString()!.Trim() : "";
        if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return new TimeValue(null, d);
        if (s.Length > 10 && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return new TimeValue(at.ToUniversalTime(), null);
        return Fail<TimeValue>(path, "Expected an ISO 8601 date (2026-11-20) or time with offset (2026-11-20T12:00:00Z).");
    }

    private ConsentValue? Consent(JsonElement v, string path)
    {
        if (v.ValueKind != JsonValueKind.Object) return Fail<ConsentValue>(path, "Expected {\"purpose\":…,\"channel\":…}.");
        string? Part(string name) => v.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String
            && p.GetString()!.Trim() is { Length: > 0 and <= 64 } s ? s.ToLowerInvariant() : Fail<string>($"{path}.{name}", "Expected text of 1 to 64 characters.");
        var purpose = Part("purpose");
        var channel = Part("channel");
        if (channel is not null and not ("sms" or "messenger" or "voice")) return Fail<ConsentValue>($"{path}.channel", "Use one of: sms, messenger, voice.");
        return purpose is null || channel is null ? null : new ConsentValue(purpose, channel);
    }

    private T? Fail<T>(string path, string message) where T : class
    {
        _errors.Add($"{path}: {message}");
        return null;
    }

    private T? FailValue<T>(string path, string message) where T : struct
    {
        _errors.Add($"{path}: {message}");
        return null;
    }
}
