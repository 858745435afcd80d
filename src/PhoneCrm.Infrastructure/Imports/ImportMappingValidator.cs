using FluentValidation;
using PhoneCrm.Domain.Validation;

namespace PhoneCrm.Infrastructure.Imports;

/// <summary>The wizard's choice of file column (0-based; -1 = not imported) for each field of the kind.</summary>
public sealed record ImportMapping(IReadOnlyDictionary<string, int> Columns, int FileColumns);

/// <summary>
/// A mapping the import can run: only the kind's fields, every required field mapped, each to a column the file has,
/// and no file column read into two fields. Errors are keyed <c>mapping.{field}</c>.
/// </summary>
public sealed class ImportMappingValidator : InputValidator<ImportMapping>
{
    public const string RequiredMessage = "Choose a file column for this field.";
    public const string UnknownFieldMessage = "This kind of import has no such field.";
    public const string OutsideFileMessage = "The file has no such column.";
    public const string TwiceMessage = "This file column is already chosen for another field.";

    public ImportMappingValidator(IImportRowHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        RuleFor(m => m).Custom((mapping, context) =>
        {
            var chosen = mapping.Columns.Where(c => c.Value >= 0).ToList();
            foreach (var required in handler.RequiredColumns.Where(r => !chosen.Any(c => c.Key == r)))
                context.AddFailure($"mapping.{required}", RequiredMessage);
            foreach (var (field, column) in chosen)
            {
                if (!handler.Columns.Contains(field)) context.AddFailure($"mapping.{field}", UnknownFieldMessage);
                else if (column >= mapping.FileColumns) context.AddFailure($"mapping.{field}", OutsideFileMessage);
                else if (chosen.Any(c => c.Value == column && string.CompareOrdinal(c.Key, field) < 0))
                    context.AddFailure($"mapping.{field}", TwiceMessage);
            }
        });
    }
}
