using System.Linq.Expressions;
using FluentValidation;

namespace PhoneCrm.Domain.Validation;

/// <summary>
/// Base of every input's validator: rules are named by the API's field names, the first failure of a field stops
/// its rule (one message per problem, as the API has always answered), and the result is <see cref="ValidationErrors"/>.
/// </summary>
public abstract class InputValidator<T> : AbstractValidator<T>
{
    protected InputValidator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
    }

    /// <summary>A rule for <paramref name="property"/> whose failures are keyed <paramref name="field"/> (the API's name).</summary>
    protected IRuleBuilderInitial<T, TProperty> Field<TProperty>(Expression<Func<T, TProperty>> property, string field) =>
        RuleFor(property).Configure(rule => rule.PropertyName = field);

    public ValidationErrors Check(T input) => ValidationErrors.From(Validate(input));
}

/// <summary>Rules shared by many validators.</summary>
public static class InputRules
{
    /// <summary>At most <paramref name="max"/> characters once trimmed (a blank value is "not given" and passes).</summary>
    public static IRuleBuilderOptions<T, string?> MaxTrimmed<T>(this IRuleBuilder<T, string?> rule, int max) =>
        rule.Must(v => v is null || v.AsSpan().Trim().Length <= max).WithMessage($"At most {max} characters.");

    /// <summary>The one control-character rule (<see cref="ControlCharacters"/>).</summary>
    public static IRuleBuilderOptions<T, string?> NoControlCharacters<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(v => v is null || !ControlCharacters.AreIn(v)).WithMessage(ControlCharacters.Message);
}
