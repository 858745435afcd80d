namespace PhoneCrm.Infrastructure.Segments;

/// <summary>A validated rule: groups and typed conditions, ready to translate.</summary>
public abstract record RuleNode;

public sealed record AllNode(IReadOnlyList<RuleNode> Items) : RuleNode;

public sealed record AnyNode(IReadOnlyList<RuleNode> Items) : RuleNode;

public sealed record NotNode(RuleNode Item) : RuleNode;

/// <summary><see cref="Value"/> is typed by the parser (see <see cref="RuleParser"/>); <see cref="WithinDays"/> only for purchasedCategory.</summary>
public sealed record ConditionNode(RuleField Field, string Op, object? Value, int? WithinDays = null) : RuleNode;

/// <summary>A time value: an instant, or a calendar date taken in the tenant's time zone.</summary>
public sealed record TimeValue(DateTimeOffset? At, DateOnly? Date);

public sealed record ConsentValue(string Purpose, string Channel);

/// <summary>
/// The clock and calendar a rule is evaluated against, and the tenant's consent bits ("purpose:channel" → bit of
/// <c>contacts.consent_mask</c>, see <c>ConsentMask</c>); a consent without a known bit is read from the ledger's states.
/// </summary>
public sealed record RuleContext(DateTimeOffset Now, TimeZoneInfo Zone, IReadOnlyDictionary<string, int>? ConsentBits = null)
{
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Now, Zone).DateTime);

    /// <summary>Midnight starting <paramref name="date"/> in the tenant's zone, as an instant.</summary>
    public DateTimeOffset StartOf(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
