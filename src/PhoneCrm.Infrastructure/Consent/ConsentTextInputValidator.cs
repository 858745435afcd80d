using FluentValidation;
using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Infrastructure.Consent;

/// <summary>A new consent text version as the settings page sends it, its parts already trimmed.</summary>
public sealed record ConsentTextInput(ConsentTextContent Content, IReadOnlyList<string> PurposeCodes);

/// <summary>
/// The rules of a consent text that need no database (<see cref="ConsentTexts.CreateAsync"/> adds "known purposes only").
/// Keys are the <see cref="ConsentTextContent"/> property names and <c>PurposeCodes</c>; a missing part's message is
/// what 152-FZ Art. 9 p.4 requires there (<see cref="ConsentTextContent.Missing"/>).
/// </summary>
public sealed class ConsentTextInputValidator : InputValidator<ConsentTextInput>
{
    public const string TooLong = "This part is too long.";

    public static ConsentTextInputValidator Instance { get; } = new();

    private ConsentTextInputValidator()
    {
        RuleFor(x => x.Content).Custom((content, context) =>
        {
            var missing = content.Missing();
            foreach (var (name, value) in Parts(content))
            {
                if (missing.TryGetValue(name, out var what)) context.AddFailure(name, what);
                else if (value.Length > (name == nameof(ConsentTextContent.Body) ? ConsentTexts.BodyMax : ConsentTexts.PartMax)) context.AddFailure(name, TooLong);
            }
        });
        Field(x => x.PurposeCodes, "PurposeCodes").NotEmpty().WithMessage("the purposes this text covers");
    }

    private static IEnumerable<(string, string)> Parts(ConsentTextContent c) =>
    [
        (nameof(c.OperatorName), c.OperatorName), (nameof(c.OperatorAddress), c.OperatorAddress), (nameof(c.Purposes), c.Purposes),
        (nameof(c.DataList), c.DataList), (nameof(c.ActionsAndMethods), c.ActionsAndMethods), (nameof(c.Term), c.Term),
        (nameof(c.Withdrawal), c.Withdrawal), (nameof(c.Body), c.Body),
    ];
}
