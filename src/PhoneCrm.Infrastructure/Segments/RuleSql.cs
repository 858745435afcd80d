using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using PhoneCrm.Infrastructure.Consent;
using static PhoneCrm.Infrastructure.Segments.RuleFields;

namespace PhoneCrm.Infrastructure.Segments;

/// <summary>
/// A rule as joins onto <c>contacts c</c> (<see cref="From"/>) and a WHERE fragment over them. Every user value is a
/// parameter; the caller binds <c>@tenant</c> and runs <see cref="RuleSql.SessionSettings"/> first in the same transaction.
/// </summary>
public sealed record SqlRule(string Joins, string Where, IReadOnlyList<NpgsqlParameter> Parameters)
{
    public string From => "contacts c" + Joins;
}

/// <summary>
/// Translates a validated rule to SQL. Design:
/// <list type="bullet">
/// <item>Every condition but two is a predicate on the contact row: its own fields, the computed attributes (order stats,
/// categories bought) and the consent mask all live there, and the common ones ride in one narrow index
/// (<c>ix_contacts_segment</c>), so a count over a million contacts is a single parallel index-only scan with no join.
/// Nullable columns are guarded with <c>IS NOT NULL</c> so every predicate is two-valued and <c>not</c> is exact.</item>
/// <item>"Bought in category X within N days" needs the date per category: the array narrows it, then the
/// <c>contact_categories</c> row decides — a semi-join when only <c>all</c> groups lead to it, else a LEFT JOIN (a hash
/// join, never a probe per contact).</item>
/// <item>A consent whose purpose and channel has no bit in the tenant's mask (past the 63rd, or never granted) is a LEFT
/// JOIN of the ledger's active, unexpired state row, once per purpose and channel.</item>
/// <item>Relative times (<c>within_days</c>, age, birthday) are computed here from the context's clock and passed as
/// parameters, so the predicates stay sargable.</item>
/// <item>A missing value (no city, no purchase) matches nothing but <c>exists: false</c>.</item>
/// </list>
/// </summary>
public sealed class RuleSql(RuleContext context, string prefix = "p")
{
    /// <summary>
    /// Run before a translated rule in its transaction: room to hash a few hundred thousand ids without spilling (the
    /// default is 4 MB), and no JIT — compiling a count's expressions took longer (~300 ms) than running them.
    /// </summary>
    public const string SessionSettings = "SET LOCAL work_mem = '64MB'; SET LOCAL jit = off";

    private readonly List<NpgsqlParameter> _parameters = [];
    private readonly StringBuilder _joins = new();
    private readonly Dictionary<(string Purpose, string Channel), string> _consents = [];
    private int _categories;

    /// <summary>
    /// <paramref name="prefix"/> names the parameters (<c>p0</c>, <c>p1</c>…) and join aliases, so several rules can share
    /// one command. <paramref name="negated"/>: the rule will sit under a NOT (an excluded segment), so no semi-joins.
    /// </summary>
    public static SqlRule Translate(RuleNode rule, RuleContext context, string prefix = "p", bool negated = false)
    {
        var builder = new RuleSql(context, prefix);
        var where = builder.Node(rule, conjunctive: !negated);
        return new SqlRule(builder._joins.ToString(), where, builder._parameters);
    }

    /// <summary><paramref name="conjunctive"/>: the node is reached from the root through <c>all</c> groups only.</summary>
    private string Node(RuleNode node, bool conjunctive) => node switch
    {
        AllNode { Items.Count: 0 } => "TRUE",
        AnyNode { Items.Count: 0 } => "FALSE",
        AllNode a => "(" + string.Join(" AND ", a.Items.Select(i => Node(i, conjunctive))) + ")",
        AnyNode a => "(" + string.Join(" OR ", a.Items.Select(i => Node(i, false))) + ")",
        NotNode n => "NOT " + Wrap(Node(n.Item, false)),
        ConditionNode { Field.Table: FieldTable.Categories, WithinDays: not null } c when conjunctive => CategoryJoin(c),
        ConditionNode c => Condition(c),
        _ => throw new ArgumentOutOfRangeException(nameof(node)),
    };

    /// <summary>
    /// A category within N days that only <c>all</c> groups lead to: the array narrows it, then a semi-join (or anti-join)
    /// the planner runs without first collecting the distinct buyers, as the LEFT JOIN of several categories must.
    /// </summary>
    private string CategoryJoin(ConditionNode c)
    {
        var sql = new StringBuilder("EXISTS (SELECT 1 FROM contact_categories cc WHERE cc.tenant_id = c.tenant_id AND cc.contact_id = c.id");
        sql.Append(CategoryFilter("cc", c)).Append(')');
        var bought = $"({Bought(c)} AND {sql})";
        return c.Op == Exists && c.Value is false ? "NOT " + bought : bought;
    }

    private static string Wrap(string sql) => sql.StartsWith('(') ? sql : "(" + sql + ")";

    private string Condition(ConditionNode c) => c.Field.Table switch
    {
        FieldTable.Consents => Consent(c),
        FieldTable.Categories => Category(c),
        _ => Contacts(c),
    };

    /// <summary>A bit of the contact's consent mask; without a bit, one join per purpose and channel of the active, unexpired state row.</summary>
    private string Consent(ConditionNode c)
    {
        var v = (ConsentValue)c.Value!;
        if (context.ConsentBits?.TryGetValue(ConsentMask.Key(v.Purpose, v.Channel), out var bit) == true)
            return $"(c.consent_mask & @{Add(1L << bit, NpgsqlDbType.Bigint)}) {(c.Op == Has ? "<>" : "=")} 0";
        if (!_consents.TryGetValue((v.Purpose, v.Channel), out var alias))
        {
            alias = _consents[(v.Purpose, v.Channel)] = $"{prefix}cs{_consents.Count}";
            _joins.Append(' ').Append(ConsentSql.Join(alias, Add(v.Purpose, NpgsqlDbType.Text), Add(v.Channel, NpgsqlDbType.Text)));
        }

        return $"{alias}.contact_id IS {(c.Op == Has ? "NOT " : "")}NULL";
    }

    /// <summary>
    /// Categories bought, from the contact's sorted array; within N days, the array narrows and a joined
    /// <c>contact_categories</c> row (unique per contact, or the distinct buyers of any of several) decides.
    /// </summary>
    private string Category(ConditionNode c)
    {
        if (c.WithinDays is null) return c.Op == Exists && c.Value is false ? $"NOT {Bought(c)}" : Bought(c);
        var alias = $"{prefix}k{_categories++}";
        if (c.Op == Contains)
        {
            _joins.Append(CultureInfo.InvariantCulture, $" LEFT JOIN contact_categories {alias} ON {alias}.tenant_id = c.tenant_id AND {alias}.contact_id = c.id")
                .Append(CategoryFilter(alias, c));
        }
        else
        {
            _joins.Append(CultureInfo.InvariantCulture, $" LEFT JOIN (SELECT DISTINCT cc.contact_id FROM contact_categories cc WHERE cc.tenant_id = @tenant")
                .Append(CategoryFilter("cc", c)).Append(CultureInfo.InvariantCulture, $") {alias} ON {alias}.contact_id = c.id");
        }

        var bought = $"({Bought(c)} AND {alias}.contact_id IS NOT NULL)";
        return c.Op == Exists && c.Value is false ? "NOT " + bought : bought;
    }

    /// <summary>The contact has bought the condition's category (any of them; any at all for <c>exists</c>), ever.</summary>
    private string Bought(ConditionNode c) => c.Op switch
    {
        Contains => $"c.purchased_categories @> ARRAY[@{Add(c.Value, NpgsqlDbType.Text)}]::text[]",
        In => $"c.purchased_categories && @{Add(c.Value, NpgsqlDbType.Array | NpgsqlDbType.Text)}",
        _ => "cardinality(c.purchased_categories) > 0",
    };

    /// <summary>The <c>contact_categories</c> rows of a category condition within N days.</summary>
    private string CategoryFilter(string alias, ConditionNode c)
    {
        var sql = new StringBuilder();
        if (c.Op == Contains) sql.Append(CultureInfo.InvariantCulture, $" AND {alias}.category = @{Add(c.Value, NpgsqlDbType.Text)}");
        if (c.Op == In) sql.Append(CultureInfo.InvariantCulture, $" AND {alias}.category = ANY(@{Add(c.Value, NpgsqlDbType.Array | NpgsqlDbType.Text)})");
        sql.Append(CultureInfo.InvariantCulture, $" AND {alias}.last_purchased_at >= @{Add(context.Now.AddDays(-c.WithinDays!.Value), NpgsqlDbType.TimestampTz)}");
        return sql.ToString();
    }

    private string Contacts(ConditionNode c)
    {
        var column = "c." + c.Field.Column;
        if (c.Op == Exists)
        {
            var present = c.Field.Kind == FieldKind.Tags ? $"cardinality({column}) > 0" : $"{column} IS NOT NULL";
            return c.Value is false ? $"NOT ({present})" : present;
        }

        var predicate = c.Field.Kind switch
        {
            FieldKind.Tags when c.Op == Contains => $"{column} @> ARRAY[@{Add(c.Value, NpgsqlDbType.Text)}]::text[]",
            FieldKind.Tags => $"{column} && @{Add(c.Value, NpgsqlDbType.Array | NpgsqlDbType.Text)}",
            FieldKind.Age => Age(column, c.Op, c.Value!),
            FieldKind.Birthday => Birthday(column, (int)c.Value!),
            _ => Compare(column, c),
        };
        return c.Field.Nullable ? $"({column} IS NOT NULL AND {predicate})" : predicate;
    }

    /// <summary>Comparisons of text, number and time values (the ops each field allows were checked by the parser).</summary>
    private string Compare(string column, ConditionNode c)
    {
        var kind = c.Field.Kind;
        if (kind == FieldKind.Timestamp) return Time(column, c.Op, c.Value!);
        var type = kind switch { FieldKind.Count => NpgsqlDbType.Integer, FieldKind.Money => NpgsqlDbType.Numeric, _ => NpgsqlDbType.Text };
        object? Typed(object? v) => kind == FieldKind.Count ? (object)(int)(decimal)v! : v;
        return c.Op switch
        {
            Eq => $"{column} = @{Add(Typed(c.Value), type)}",
            Neq => $"{column} <> @{Add(Typed(c.Value), type)}",
            Gt => $"{column} > @{Add(Typed(c.Value), type)}",
            Gte => $"{column} >= @{Add(Typed(c.Value), type)}",
            Lt => $"{column} < @{Add(Typed(c.Value), type)}",
            Lte => $"{column} <= @{Add(Typed(c.Value), type)}",
            Between => $"{column} BETWEEN @{Add(Typed(((decimal[])c.Value!)[0]), type)} AND @{Add(Typed(((decimal[])c.Value!)[1]), type)}",
            In => $"{column} = ANY(@{Add(c.Value, NpgsqlDbType.Array | NpgsqlDbType.Text)})",
            _ => throw new ArgumentOutOfRangeException(nameof(c)),
        };
    }

    /// <summary>A date value covers its whole day in the tenant's zone: gt a date means from the next day on.</summary>
    private string Time(string column, string op, object value)
    {
        string From(TimeValue t, bool afterDay) =>
            Add(t.At ?? context.StartOf(afterDay ? t.Date!.Value.AddDays(1) : t.Date!.Value), NpgsqlDbType.TimestampTz);
        return op switch
        {
            Gt when value is TimeValue { At: null } t => $"{column} >= @{From(t, true)}",
            Gt => $"{column} > @{From((TimeValue)value, false)}",
            Gte => $"{column} >= @{From((TimeValue)value, false)}",
            Lt => $"{column} < @{From((TimeValue)value, false)}",
            Lte when value is TimeValue { At: null } t => $"{column} < @{From(t, true)}",
            Lte => $"{column} <= @{From((TimeValue)value, false)}",
            Between => $"({Time(column, Gte, ((TimeValue[])value)[0])} AND {Time(column, Lte, ((TimeValue[])value)[1])})",
            WithinDays => $"{column} >= @{Add(context.Now.AddDays(-(int)value), NpgsqlDbType.TimestampTz)}",
            OlderThanDays => $"{column} < @{Add(context.Now.AddDays(-(int)value), NpgsqlDbType.TimestampTz)}",
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };
    }

    /// <summary>Age in whole years as a range of birth dates (sargable): age ≥ N ⇔ born on or before today − N years.</summary>
    private string Age(string column, string op, object value)
    {
        var today = context.Today;
        string BornBy(decimal years) => Add(today.AddYears(-(int)years), NpgsqlDbType.Date);
        string BornAfter(decimal years) => Add(today.AddYears(-(int)years - 1), NpgsqlDbType.Date);
        return op switch
        {
            Gte => $"{column} <= @{BornBy((decimal)value)}",
            Gt => $"{column} <= @{BornBy((decimal)value + 1)}",
            Lte => $"{column} > @{BornAfter((decimal)value)}",
            Lt => $"{column} > @{BornAfter((decimal)value - 1)}",
            Eq => $"({column} <= @{BornBy((decimal)value)} AND {column} > @{BornAfter((decimal)value)})",
            Neq => $"NOT ({column} <= @{BornBy((decimal)value)} AND {column} > @{BornAfter((decimal)value)})",
            Between => $"({column} <= @{BornBy(((decimal[])value)[0])} AND {column} > @{BornAfter(((decimal[])value)[1])})",
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };
    }

    /// <summary>Birthday from today to today + N days, as month-day numbers (MMDD); a window across New Year is two ranges.</summary>
    private string Birthday(string column, int days)
    {
        if (days >= 365) return "TRUE";
        var from = context.Today;
        var to = from.AddDays(days);
        // The same expression as the index ix_contacts_tenant_id_birthday (migration SegmentRecencyIndexes).
        var monthDay = $"(EXTRACT(MONTH FROM {column}) * 100 + EXTRACT(DAY FROM {column}))";
        var lo = Add(from.Month * 100 + from.Day, NpgsqlDbType.Integer);
        var hi = Add(to.Month * 100 + to.Day, NpgsqlDbType.Integer);
        return to.Year == from.Year ? $"{monthDay} BETWEEN @{lo} AND @{hi}" : $"({monthDay} >= @{lo} OR {monthDay} <= @{hi})";
    }

    private string Add(object? value, NpgsqlDbType type)
    {
        var name = prefix + _parameters.Count;
        _parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
        return name;
    }
}
