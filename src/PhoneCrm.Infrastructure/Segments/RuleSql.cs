using System.Text;
using Npgsql;
using NpgsqlTypes;
using static PhoneCrm.Infrastructure.Segments.RuleFields;

namespace PhoneCrm.Infrastructure.Segments;

/// <summary>A rule as a WHERE fragment over <c>contacts c</c>; every user value is a parameter.</summary>
public sealed record SqlRule(string Where, IReadOnlyList<NpgsqlParameter> Parameters);

/// <summary>
/// Translates a validated rule to SQL. Design:
/// <list type="bullet">
/// <item>Contact columns compare directly (btree on city/status/source, GIN on tags via <c>@&gt;</c>/<c>&amp;&amp;</c>);
/// nullable columns are guarded with <c>IS NOT NULL</c> so every predicate is two-valued and <c>not</c> is exact.</item>
/// <item>Stats and categories are semi-joins (<c>EXISTS</c> on their primary keys). A count field of a contact without a
/// stats row is 0: when 0 satisfies the condition it becomes <c>NOT EXISTS (row that fails it)</c>.</item>
/// <item>Relative times (<c>within_days</c>, age, birthday) are computed here from the context's clock and passed as
/// parameters, so the predicates stay sargable.</item>
/// <item>A missing value (no city, no purchase) matches nothing but <c>exists: false</c>.</item>
/// </list>
/// </summary>
public sealed class RuleSql(RuleContext context, string prefix = "p")
{
    private readonly List<NpgsqlParameter> _parameters = [];

    /// <summary><paramref name="prefix"/> names the parameters (<c>p0</c>, <c>p1</c>…), so several rules can share one command.</summary>
    public static SqlRule Translate(RuleNode rule, RuleContext context, string prefix = "p")
    {
        var builder = new RuleSql(context, prefix);
        var where = builder.Node(rule);
        return new SqlRule(where, builder._parameters);
    }

    private string Node(RuleNode node) => node switch
    {
        AllNode { Items.Count: 0 } => "TRUE",
        AnyNode { Items.Count: 0 } => "FALSE",
        AllNode a => "(" + string.Join(" AND ", a.Items.Select(Node)) + ")",
        AnyNode a => "(" + string.Join(" OR ", a.Items.Select(Node)) + ")",
        NotNode n => "NOT " + Wrap(Node(n.Item)),
        ConditionNode c => Condition(c),
        _ => throw new ArgumentOutOfRangeException(nameof(node)),
    };

    private static string Wrap(string sql) => sql.StartsWith('(') ? sql : "(" + sql + ")";

    private string Condition(ConditionNode c) => c.Field.Table switch
    {
        FieldTable.Consents => Consent(c),
        FieldTable.Categories => Category(c),
        FieldTable.Stats => Stats(c),
        _ => Contacts(c),
    };

    private string Consent(ConditionNode c)
    {
        var v = (ConsentValue)c.Value!;
        return ConsentSql.Condition(c.Op == Has, Add(v.Purpose, NpgsqlDbType.Text), Add(v.Channel, NpgsqlDbType.Text));
    }

    private string Category(ConditionNode c)
    {
        var sql = new StringBuilder("EXISTS (SELECT 1 FROM contact_categories cc WHERE cc.tenant_id = c.tenant_id AND cc.contact_id = c.id");
        if (c.Op == Contains) sql.Append(" AND cc.category = @").Append(Add(c.Value, NpgsqlDbType.Text));
        if (c.Op == In) sql.Append(" AND cc.category = ANY(@").Append(Add(c.Value, NpgsqlDbType.Array | NpgsqlDbType.Text)).Append(')');
        if (c.WithinDays is { } days) sql.Append(" AND cc.last_purchased_at >= @").Append(Add(context.Now.AddDays(-days), NpgsqlDbType.TimestampTz));
        sql.Append(')');
        return c.Op == Exists && c.Value is false ? "NOT " + sql : sql.ToString();
    }

    private string Stats(ConditionNode c)
    {
        const string Row = "SELECT 1 FROM contact_stats st WHERE st.tenant_id = c.tenant_id AND st.contact_id = c.id";
        var column = "st." + c.Field.Column;
        if (c.Op == Exists) return (c.Value is false ? "NOT " : "") + $"EXISTS ({Row} AND {column} IS NOT NULL)";
        var predicate = Compare(column, c);
        if (c.Field.Kind is FieldKind.Count or FieldKind.Money && !c.Field.Nullable && ZeroMatches(c))
            return $"NOT EXISTS ({Row} AND NOT ({predicate}))";
        return $"EXISTS ({Row} AND {predicate})";
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

    private static bool ZeroMatches(ConditionNode c) => c.Op switch
    {
        Eq => (decimal)c.Value! == 0,
        Neq => (decimal)c.Value! != 0,
        Gt => 0 > (decimal)c.Value!,
        Gte => 0 >= (decimal)c.Value!,
        Lt => 0 < (decimal)c.Value!,
        Lte => 0 <= (decimal)c.Value!,
        Between => ((decimal[])c.Value!)[0] <= 0 && 0 <= ((decimal[])c.Value!)[1],
        _ => false,
    };

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
