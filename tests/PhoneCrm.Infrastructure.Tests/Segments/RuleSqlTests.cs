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
    public void Consent_has_is_an_exists_on_active_unexpired_state_with_parameters()
    {
        var sql = Translate("""{"field":"consent","op":"has","value":{"purpose":"marketing","channel":"sms"}}""");

        Assert.Equal(
            "EXISTS (SELECT 1 FROM consent_states s WHERE s.tenant_id = c.tenant_id AND s.contact_id = c.id AND s.purpose = @p0"
            + " AND s.channel = @p1 AND s.status = 'active' AND (s.expires_at IS NULL OR s.expires_at > now()))", sql.Where);
        Assert.Equal(["marketing", "sms"], sql.Parameters.Select(p => p.Value));
        Assert.All(sql.Parameters, p => Assert.Equal(NpgsqlDbType.Text, p.NpgsqlDbType));
    }

    [Fact]
    public void Consent_lacks_is_not_exists()
    {
        var sql = Translate("""{"field":"consent","op":"lacks","value":{"purpose":"marketing","channel":"voice"}}""");
        Assert.StartsWith("NOT EXISTS (SELECT 1 FROM consent_states s ", sql.Where, StringComparison.Ordinal);
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
        Assert.Equal("NOT EXISTS (SELECT 1 FROM contact_stats st WHERE st.tenant_id = c.tenant_id AND st.contact_id = c.id AND NOT (st.orders_count < @p0))",
            Translate("""{"field":"ordersCount","op":"lt","value":2}""").Where);
        Assert.Equal("EXISTS (SELECT 1 FROM contact_stats st WHERE st.tenant_id = c.tenant_id AND st.contact_id = c.id AND st.orders_count >= @p0)",
            Translate("""{"field":"ordersCount","op":"gte","value":1}""").Where);
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
