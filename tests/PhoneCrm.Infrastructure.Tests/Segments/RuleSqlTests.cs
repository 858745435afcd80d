using System.Text.Json;
using NpgsqlTypes;
using PhoneCrm.Infrastructure.Segments;

namespace PhoneCrm.Infrastructure.Tests.Segments;

public sealed class RuleSqlTests
{
    private static readonly RuleContext _context = new(new DateTimeOffset(2026, 12, 29, 9, 0, 0, TimeSpan.Zero), TimeZoneInfo.Utc);

    private static SqlRule Translate(string json)
    {
        var node = RuleParser.Parse(JsonDocument.Parse(json).RootElement, out var errors);
        Assert.Empty(errors);
        return RuleSql.Translate(node!, _context);
    }

    private static IReadOnlyList<string> Errors(string json)
    {
        Assert.Null(RuleParser.Parse(JsonDocument.Parse(json).RootElement, out var errors));
        return errors;
    }

    [Fact]
    public void Consent_has_joins_the_active_unexpired_state_with_parameters()
    {
        var sql = Translate("""{"field":"consent","op":"has","value":{"purpose":"marketing","channel":"sms"}}""");

        Assert.Equal(
            " LEFT JOIN consent_states pcs0 ON pcs0.tenant_id = c.tenant_id AND pcs0.contact_id = c.id AND pcs0.purpose = @p0"
            + " AND pcs0.channel = @p1 AND pcs0.status = 'active' AND (pcs0.expires_at IS NULL OR pcs0.expires_at > now())", sql.Joins);
        Assert.Equal("pcs0.contact_id IS NOT NULL", sql.Where);
        Assert.Equal(["marketing", "sms"], sql.Parameters.Select(p => p.Value));
        Assert.All(sql.Parameters, p => Assert.Equal(NpgsqlDbType.Text, p.NpgsqlDbType));
    }

    [Fact]
    public void Consent_lacks_is_the_absent_row_and_each_purpose_and_channel_is_joined_once()
    {
        var sql = Translate("""
            {"any":[{"field":"consent","op":"lacks","value":{"purpose":"marketing","channel":"voice"}},
                    {"not":{"field":"consent","op":"has","value":{"purpose":"marketing","channel":"voice"}}},
                    {"field":"consent","op":"has","value":{"purpose":"service","channel":"voice"}}]}
            """);
        Assert.Equal("(pcs0.contact_id IS NULL OR NOT (pcs0.contact_id IS NOT NULL) OR pcs1.contact_id IS NOT NULL)", sql.Where);
        Assert.Equal(2, sql.Joins.Split("LEFT JOIN consent_states").Length - 1);
    }

    [Fact]
    public void User_values_never_reach_the_sql_text()
    {
        const string evil = "x'); DROP TABLE contacts; --";
        var sql = Translate($$"""{"all":[{"field":"city","op":"eq","value":"{{evil}}"},{"field":"tags","op":"contains","value":"{{evil}}"}]}""");
        Assert.DoesNotContain("DROP", sql.Where, StringComparison.Ordinal);
        Assert.Equal("((c.city IS NOT NULL AND c.city = @p0) AND c.tags @> ARRAY[@p1]::text[])", sql.Where);
    }

    [Fact]
    public void Consent_with_a_bit_reads_the_contact_mask_and_without_one_joins_the_ledger()
    {
        var context = _context with { ConsentBits = new Dictionary<string, int> { ["marketing:sms"] = 5 } };
        var node = RuleParser.Parse(JsonDocument.Parse("""
            {"all":[{"field":"consent","op":"has","value":{"purpose":"marketing","channel":"sms"}},
                    {"field":"consent","op":"lacks","value":{"purpose":"service","channel":"sms"}}]}
            """).RootElement, out _);
        var sql = RuleSql.Translate(node!, context);
        Assert.Equal("((c.consent_mask & @p0) <> 0 AND pcs0.contact_id IS NULL)", sql.Where);
        Assert.Equal(32L, sql.Parameters[0].Value);
        Assert.Equal(NpgsqlDbType.Bigint, sql.Parameters[0].NpgsqlDbType);
        Assert.Single(sql.Joins.Split("LEFT JOIN consent_states").Skip(1));

        var lacks = RuleSql.Translate(RuleParser.Parse(JsonDocument.Parse(
            """{"field":"consent","op":"lacks","value":{"purpose":"marketing","channel":"sms"}}""").RootElement, out _)!, context);
        Assert.Equal("(c.consent_mask & @p0) = 0", lacks.Where);
        Assert.Equal("", lacks.Joins);
    }

    [Fact]
    public void Order_stats_are_columns_of_the_contact()
    {
        var sql = Translate("""{"all":[{"field":"ordersCount","op":"lt","value":2},{"field":"avgOrderValue","op":"gte","value":100}]}""");
        Assert.Equal("", sql.Joins);
        Assert.Equal("(c.orders_count < @p0 AND (c.avg_order_value IS NOT NULL AND c.avg_order_value >= @p1))", sql.Where);
    }

    [Fact]
    public void Categories_without_a_window_are_the_contact_array()
    {
        var sql = Translate("""
            {"any":[{"field":"purchasedCategory","op":"in","value":["garden","tools"]},{"field":"purchasedCategory","op":"contains","value":"pets"},
                    {"field":"purchasedCategory","op":"exists","value":false}]}
            """);
        Assert.Equal("", sql.Joins);
        Assert.Equal("(c.purchased_categories && @p0 OR c.purchased_categories @> ARRAY[@p1]::text[] OR NOT cardinality(c.purchased_categories) > 0)",
            sql.Where);
    }

    [Fact]
    public void Categories_within_days_under_any_or_not_are_joined_distinct_buyers_so_a_contact_counts_once()
    {
        var sql = Translate("""{"any":[{"field":"purchasedCategory","op":"in","value":["garden","tools"],"withinDays":90},{"field":"city","op":"eq","value":"A"}]}""");
        Assert.Equal(" LEFT JOIN (SELECT DISTINCT cc.contact_id FROM contact_categories cc WHERE cc.tenant_id = @tenant"
            + " AND cc.category = ANY(@p0) AND cc.last_purchased_at >= @p1) pk0 ON pk0.contact_id = c.id", sql.Joins);
        Assert.Equal("((c.purchased_categories && @p2 AND pk0.contact_id IS NOT NULL) OR (c.city IS NOT NULL AND c.city = @p3))", sql.Where);
    }

    [Fact]
    public void Categories_within_days_reached_through_all_only_are_semi_joins_narrowed_by_the_array()
    {
        var sql = Translate("""{"all":[{"field":"purchasedCategory","op":"contains","value":"garden","withinDays":90},{"field":"purchasedCategory","op":"exists","value":false,"withinDays":30}]}""");
        Assert.Equal("", sql.Joins);
        Assert.Equal("((c.purchased_categories @> ARRAY[@p2]::text[] AND EXISTS (SELECT 1 FROM contact_categories cc WHERE cc.tenant_id = c.tenant_id"
            + " AND cc.contact_id = c.id AND cc.category = @p0 AND cc.last_purchased_at >= @p1))"
            + " AND NOT (cardinality(c.purchased_categories) > 0 AND EXISTS (SELECT 1 FROM contact_categories cc WHERE cc.tenant_id = c.tenant_id"
            + " AND cc.contact_id = c.id AND cc.last_purchased_at >= @p3)))", sql.Where);
    }

    [Fact]
    public void An_excluded_rule_sits_under_a_not_so_its_categories_are_joined_not_probed()
    {
        var node = RuleParser.Parse(JsonDocument.Parse("""{"field":"purchasedCategory","op":"contains","value":"garden","withinDays":30}""").RootElement, out _);
        var sql = RuleSql.Translate(node!, _context, "s1_", negated: true);
        Assert.Equal("(c.purchased_categories @> ARRAY[@s1_2]::text[] AND s1_k0.contact_id IS NOT NULL)", sql.Where);
        Assert.StartsWith(" LEFT JOIN contact_categories s1_k0 ON ", sql.Joins, StringComparison.Ordinal);
    }

    [Fact]
    public void Birthday_window_across_new_year_is_two_ranges()
    {
        var sql = Translate("""{"field":"birthday","op":"within_days","value":7}""");
        Assert.Contains(">= @p0 OR", sql.Where, StringComparison.Ordinal);
        Assert.Equal([1229, 105], sql.Parameters.Select(p => p.Value));
    }

    [Fact]
    public void Within_days_is_a_parameterised_lower_bound()
    {
        var sql = Translate("""{"field":"lastPurchaseAt","op":"within_days","value":30}""");
        Assert.Equal("(c.last_purchase_at IS NOT NULL AND c.last_purchase_at >= @p0)", sql.Where);
        Assert.Equal(_context.Now.AddDays(-30), sql.Parameters[0].Value);
    }

    [Theory]
    [InlineData("""{"all":[{"field":"city","op":"eq","value":"A"},{"field":"shoeSize","op":"eq","value":1}]}""", "rule.all[1].field")]
    [InlineData("""{"all":[{"field":"city","op":"eq","value":"A"},{"field":"city","op":"gt","value":"B"}]}""", "rule.all[1].op")]
    [InlineData("""{"any":[{"not":{"field":"ordersCount","op":"gt","value":"many"}}]}""", "rule.any[0].not.value")]
    [InlineData("""{"field":"age","op":"between","value":[40,20]}""", "rule.value")]
    [InlineData("""{"field":"gender","op":"eq","value":"robot"}""", "rule.value")]
    [InlineData("""{"field":"consent","op":"has","value":{"purpose":"marketing"}}""", "rule.value.channel")]
    [InlineData("""{"field":"tags","op":"frobnicate","value":"x"}""", "rule.op")]
    [InlineData("""{"all":[],"any":[]}""", "rule")]
    public void Invalid_rules_name_the_path(string json, string path) =>
        Assert.Contains(Errors(json), e => e.StartsWith(path + ":", StringComparison.Ordinal));
}
