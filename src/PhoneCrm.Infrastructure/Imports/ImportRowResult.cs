namespace PhoneCrm.Infrastructure.Imports;

/// <summary>What one data row became: a row its kind can record (e.g. a normalised contact) or a <see cref="RejectedRow"/>.</summary>
public abstract record ImportRowResult(int Line);

/// <summary>A row that cannot be imported: one line of the <c>line,value,reason</c> report.</summary>
/// <param name="Value">The raw cell that identifies the row (the phone), as the file has it.</param>
/// <param name="Reason">Short English machine-friendly reason.</param>
public sealed record RejectedRow(int Line, string Value, string Reason) : ImportRowResult(Line);
