namespace PhoneCrm.Domain.Validation;

/// <summary>
/// Why an input was refused: messages keyed by the API's field names (camelCase, dotted for nested fields:
/// <c>evidence.capturedAt</c>, <c>source.channel</c>). The one result every service returns for a refused input;
/// the API writes it as problem+json <c>errors</c>, the UI puts each message beside its input.
/// Messages are English sentences that double as localisation keys.
/// </summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, string[]> _byField = new(StringComparer.Ordinal);

    public bool IsValid => _byField.Count == 0;

    public IReadOnlyDictionary<string, string[]> ByField => _byField;

    public bool Has(string field) => _byField.ContainsKey(field);

    public ValidationErrors Add(string field, string message)
    {
        _byField[field] = _byField.TryGetValue(field, out var messages) ? [.. messages, message] : [message];
        return this;
    }

    public ValidationErrors AddAll(ValidationErrors other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (field, messages) in other._byField)
        {
            foreach (var message in messages)
            {
                Add(field, message);
            }
        }

        return this;
    }

    /// <summary><c>field: message; …</c> for logs and exceptions.</summary>
    public override string ToString() =>
        string.Join("; ", _byField.SelectMany(e => e.Value.Select(message => $"{e.Key}: {message}")));

    public static ValidationErrors Of(string field, string message) => new ValidationErrors().Add(field, message);

    /// <summary>FluentValidation's failures, keyed by each rule's property name (the validators name API fields).</summary>
    public static ValidationErrors From(FluentValidation.Results.ValidationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var errors = new ValidationErrors();
        foreach (var failure in result.Errors)
        {
            errors.Add(failure.PropertyName, failure.ErrorMessage);
        }

        return errors;
    }
}
