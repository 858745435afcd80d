using System.Text.Json;
using FluentValidation;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Infrastructure.Segments;

/// <summary>A segment as the API or the builder states it (exclusions are checked against the saved segments by the service).</summary>
public sealed record SegmentInput(string? Name, JsonElement? Rule);

/// <summary>A named segment with a rule <see cref="RuleParser"/> accepts (its messages keyed <c>rule</c>, each naming its path).</summary>
public sealed class SegmentInputValidator : InputValidator<SegmentInput>
{
    public const int NameMax = 200;

    public static SegmentInputValidator Instance { get; } = new();

    private SegmentInputValidator()
    {
        Field(x => x.Name, "name")
            .Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("Name is required.")
            .MaxTrimmed(NameMax)
            .NoControlCharacters();
        RuleFor(x => x.Rule).Custom((rule, context) =>
        {
            foreach (var message in RuleErrors(rule).ByField.GetValueOrDefault("rule", [])) context.AddFailure("rule", message);
        });
    }

    /// <summary>The rule's own errors, keyed <c>rule</c>.</summary>
    public static ValidationErrors RuleErrors(JsonElement? rule)
    {
        Parse(rule, out var errors);
        return errors;
    }

    /// <summary>The typed rule, or null with the parser's messages keyed <c>rule</c>.</summary>
    public static RuleNode? Parse(JsonElement? rule, out ValidationErrors errors)
    {
        var node = RuleParser.Parse(rule, out var messages);
        errors = new ValidationErrors();
        foreach (var message in messages) errors.Add("rule", message);
        return node;
    }
}
