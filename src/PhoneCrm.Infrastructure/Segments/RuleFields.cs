using PhoneCrm.Domain.Contacts;

namespace PhoneCrm.Infrastructure.Segments;

/// <summary>How a field's values are typed and stored; decides the ops it accepts and the SQL it becomes.</summary>
public enum FieldKind { Text, Enum, Age, Birthday, Tags, Timestamp, Count, Money, Category, Consent }

/// <summary>
/// Where a field lives: a contacts column (the computed attributes included), the categories bought
/// (<c>contacts.purchased_categories</c>, with <c>contact_categories</c> for "within N days"), or the consent ledger.
/// </summary>
public enum FieldTable { Contacts, Categories, Consents }

public sealed record RuleField(string Name, FieldKind Kind, FieldTable Table, string Column, bool Nullable, IReadOnlyList<string> Ops,
    IReadOnlyList<string>? Values = null);

/// <summary>The fields and ops of api-v1.md (Segments), with the ops each field allows.</summary>
public static class RuleFields
{
    public const string Eq = "eq", Neq = "neq", In = "in", Contains = "contains", Gt = "gt", Gte = "gte", Lt = "lt", Lte = "lte",
        Between = "between", WithinDays = "within_days", OlderThanDays = "older_than_days", Exists = "exists", Has = "has", Lacks = "lacks";

    public static IReadOnlyList<string> AllOps { get; } =
        [Eq, Neq, In, Contains, Gt, Gte, Lt, Lte, Between, WithinDays, OlderThanDays, Exists, Has, Lacks];

    private static readonly string[] _enumOps = [Eq, Neq, In];
    private static readonly string[] _numberOps = [Eq, Neq, Gt, Gte, Lt, Lte, Between];
    private static readonly string[] _timeOps = [Gt, Gte, Lt, Lte, Between, WithinDays, OlderThanDays, Exists];

    public static IReadOnlyList<RuleField> All { get; } =
    [
        new("city", FieldKind.Text, FieldTable.Contacts, "city", true, [Eq, Neq, In, Exists]),
        new("gender", FieldKind.Enum, FieldTable.Contacts, "gender", false, _enumOps, ContactGender.All),
        new("age", FieldKind.Age, FieldTable.Contacts, "birth_date", true, [.. _numberOps, Exists]),
        new("birthday", FieldKind.Birthday, FieldTable.Contacts, "birth_date", true, [WithinDays, Exists]),
        new("tags", FieldKind.Tags, FieldTable.Contacts, "tags", false, [Contains, In, Exists]),
        new("sourceChannel", FieldKind.Enum, FieldTable.Contacts, "source_channel", false, _enumOps, ContactSources.All),
        new("createdAt", FieldKind.Timestamp, FieldTable.Contacts, "created_at", false, _timeOps),
        new("phoneType", FieldKind.Enum, FieldTable.Contacts, "phone_type", false, _enumOps),
        new("status", FieldKind.Enum, FieldTable.Contacts, "status", false, _enumOps, ContactStatus.All),
        new("lastPurchaseAt", FieldKind.Timestamp, FieldTable.Contacts, "last_purchase_at", true, _timeOps),
        new("ordersCount", FieldKind.Count, FieldTable.Contacts, "orders_count", false, _numberOps),
        new("totalSpent", FieldKind.Money, FieldTable.Contacts, "total_spent", false, _numberOps),
        new("avgOrderValue", FieldKind.Money, FieldTable.Contacts, "avg_order_value", true, [.. _numberOps, Exists]),
        new("purchasedCategory", FieldKind.Category, FieldTable.Categories, "category", false, [Contains, In, Exists]),
        new("lastEngagedAt", FieldKind.Timestamp, FieldTable.Contacts, "last_engaged_at", true, _timeOps),
        new("unansweredMessages", FieldKind.Count, FieldTable.Contacts, "unanswered_messages", false, _numberOps),
        new("unansweredCalls", FieldKind.Count, FieldTable.Contacts, "unanswered_calls", false, _numberOps),
        new("consent", FieldKind.Consent, FieldTable.Consents, "", false, [Has, Lacks]),
    ];

    private static readonly Dictionary<string, RuleField> _byName = All.ToDictionary(f => f.Name, StringComparer.Ordinal);

    public static RuleField? Find(string name) => _byName.GetValueOrDefault(name);
}
