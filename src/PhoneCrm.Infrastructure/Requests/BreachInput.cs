using FluentValidation;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Infrastructure.Requests;

/// <summary>What the officer records about a breach; field names are the API's (<c>GET/POST /api/v1/breaches</c>).</summary>
public sealed class BreachInput
{
    public string? Description { get; set; }
    public DateTimeOffset? DetectedAt { get; set; }
    public DateTimeOffset? OccurredAt { get; set; }
    public List<string>? Categories { get; set; }
    public int? SubjectsAffected { get; set; }
    public string? PresumedCause { get; set; }
    public string? Harm { get; set; }
    public string? Measures { get; set; }
    public string? ContactPerson { get; set; }
    public string? InvestigationResults { get; set; }
    public string? Culprits { get; set; }
}

/// <summary>The register's rules for a recorded breach; messages are localisation keys.</summary>
public sealed class BreachInputValidator : InputValidator<BreachInput>
{
    public const string Required = "Required.";
    public const string InFuture = "Cannot be in the future.";
    public const string AfterDetection = "It cannot have happened after it was detected.";
    public const string UnknownCategory = "Unknown category of data.";

    /// <summary>Recording may lag the clock of the browser a little; more than this ahead is a typing mistake.</summary>
    private static readonly TimeSpan _clockSkew = TimeSpan.FromMinutes(5);

    public BreachInputValidator(DateTimeOffset now)
    {
        Field(x => x.Description, "description").Must(v => !string.IsNullOrWhiteSpace(v)).WithMessage(Required)
            .MaxTrimmed(BreachIncident.TextMax).NoControlCharacters();
        Field(x => x.DetectedAt, "detectedAt").NotNull().WithMessage(Required)
            .Must(v => v <= now + _clockSkew).WithMessage(InFuture);
        Field(x => x.OccurredAt, "occurredAt").Must(v => v is null || v <= now + _clockSkew).WithMessage(InFuture);
        RuleFor(x => x.OccurredAt).Must((x, v) => v is null || x.DetectedAt is null || v <= x.DetectedAt)
            .WithMessage(AfterDetection).OverridePropertyName("occurredAt");
        Field(x => x.Categories, "categories").Must(v => v is { Count: > 0 }).WithMessage(Required)
            .Must(v => v!.All(BreachTerms.DataCategories.Contains)).WithMessage(UnknownCategory);
        Field(x => x.SubjectsAffected, "subjectsAffected").NotNull().WithMessage(Required)
            .GreaterThanOrEqualTo(0).WithMessage("Must be zero or more.");
        Field(x => x.Measures, "measures").Must(v => !string.IsNullOrWhiteSpace(v)).WithMessage(Required)
            .MaxTrimmed(BreachIncident.TextMax).NoControlCharacters();
        Field(x => x.ContactPerson, "contactPerson").Must(v => !string.IsNullOrWhiteSpace(v)).WithMessage(Required)
            .MaxTrimmed(BreachIncident.ShortMax).NoControlCharacters();
        foreach (var (text, field) in new (System.Linq.Expressions.Expression<Func<BreachInput, string?>>, string)[]
                 {
                     (x => x.PresumedCause, "presumedCause"), (x => x.Harm, "harm"),
                     (x => x.InvestigationResults, "investigationResults"), (x => x.Culprits, "culprits"),
                 })
            Field(text, field).MaxTrimmed(BreachIncident.TextMax).NoControlCharacters();
    }
}
