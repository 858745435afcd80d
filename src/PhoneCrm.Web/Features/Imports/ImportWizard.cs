using PhoneCrm.Domain.Contacts;
using PhoneCrm.Domain.Contacts.Imports;

namespace PhoneCrm.Web.Features.Imports;

/// <summary>
/// What differs between the import wizards of each <see cref="ImportKinds">kind</see>: where they live, their words
/// (English keys of the UI strings) and which counts they show. The steps, views and rules are the same.
/// </summary>
/// <param name="Name">The wizard's name in breadcrumbs and on the progress page.</param>
/// <param name="Title">The upload page's title.</param>
/// <param name="ColumnsHelp">A hint under the file field, given the columns (null: none).</param>
/// <param name="ColumnsAsNames">Columns are shown as the file's header names (events) rather than as field names.</param>
/// <param name="AsksSourceDetail">The upload asks for a source detail beside the source channel.</param>
/// <param name="UpdatedLabel">Label of the "updated" count (null: the kind never updates).</param>
public sealed record ImportWizard(
    string Kind,
    string Path,
    string Name,
    string Title,
    string? ColumnsHelp,
    string SourceLabel,
    string DefaultSource,
    bool AsksSourceDetail,
    bool ColumnsAsNames,
    string MissingColumns,
    string CreatedLabel,
    string? UpdatedLabel,
    string DuplicatesLabel,
    string NextLabel,
    string NextPath)
{
    public static ImportWizard Contacts { get; } = new(
        ImportKinds.Contacts, "/contacts/import", "Import", "Import contacts", ColumnsHelp: null, "Source", ContactSources.Import,
        AsksSourceDetail: true, ColumnsAsNames: false, "Choose the column with phone numbers.",
        "new contacts", "merged into existing", "duplicates in file", "Go to contacts", "/contacts");

    public static ImportWizard Events { get; } = new(
        ImportKinds.Events, "/events/import", "Import events", "Import events",
        "Columns: {0}. One line per event; an order over several lines with the same external_id is one event with several items.",
        "Source of new contacts", ContactSources.WebShop, AsksSourceDetail: false, ColumnsAsNames: true,
        "Choose the columns with the external id and the phone.",
        "events recorded (lines)", UpdatedLabel: null, "already recorded (lines)", "Go to segments", "/segments");
}
