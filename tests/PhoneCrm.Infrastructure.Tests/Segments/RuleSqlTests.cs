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
    public void A_count_condition_that_zero_satisfies_also_matches_contacts_without_stats()
    {
        var sql = Translate("""{"all":[{"field":"ordersCount","op":"lt","value":2},{"field":"totalSpent","op":"gte","value":100}]}""");
        Assert.Equal(" LEFT JOIN contact_stats pst ON pst.tenant_id = c.tenant_id AND pst.contact_id = c.id", sql.Joins);
        Assert.Equal("((pst.contact_id IS NULL OR pst.orders_count < @p0) AND (pst.total_spent IS NOT NULL AND pst.total_spent >= @p1))",
            sql.Where);
    }

    [Fact]
    public void Categories_under_any_or_not_are_joined_distinct_buyers_so_a_contact_counts_once()
    {
        var sql = Translate("""{"any":[{"field":"purchasedCategory","op":"in","value":["garden","tools"],"withinDays":90},{"field":"city","op":"eq","value":"A"}]}""");
        Assert.Equal(" LEFT JOIN (SELECT DISTINCT cc.contact_id FROM contact_categories cc WHERE cc.tenant_id = @tenant"
            + " AND cc.category = ANY(@p1) AND cc.last_purchased_at >= @p0) pk0 ON pk0.contact_id = c.id", sql.Joins);
        Assert.Equal("(pk0.contact_id IS NOT NULL OR (c.city IS NOT NULL AND c.city = @p2))", sql.Where);
    }

    [Fact]
    public void Categories_reached_through_all_only_are_semi_joins()
    {
        var sql = Translate("""{"all":[{"field":"purchasedCategory","op":"in","value":["garden","tools"]},{"field":"purchasedCategory","op":"exists","value":false}]}""");
        Assert.Equal("", sql.Joins);
        Assert.Equal("(EXISTS (SELECT 1 FROM contact_categories cc WHERE cc.tenant_id = c.tenant_id AND cc.contact_id = c.id AND cc.category = ANY(@p0))"
            + " AND NOT EXISTS (SELECT 1 FROM contact_categories cc WHERE cc.tenant_id = c.tenant_id AND cc.contact_id = c.id))", sql.Where);
    }

    [Fact]
    public void An_excluded_rule_sits_under_a_not_so_its_categories_are_joined_not_probed()
    {
        var node = RuleParser.Parse(JsonDocument.Parse("""{"field":"purchasedCategory","op":"contains","value":"garden"}""").RootElement, out _);
        var sql = RuleSql.Translate(node!, _context, "s1_", negated: true);
        Assert.Equal("s1_k0.contact_id IS NOT NULL", sql.Where);
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
        Assert.EndsWith("st.last_purchase_at >= @p0)", sql.Where, StringComparison.Ordinal);
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
