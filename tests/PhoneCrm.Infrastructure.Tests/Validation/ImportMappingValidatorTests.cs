using Npgsql;
using PhoneCrm.Domain.Contacts.Imports;
using PhoneCrm.Infrastructure.Imports;

namespace PhoneCrm.Infrastructure.Tests.Validation;

public sealed class ImportMappingValidatorTests
{
    /// <summary>Only the columns matter to the mapping's rules.</summary>
    private sealed class TestKind : IImportRowHandler
    {
        public string Kind => "test";
        public IReadOnlyList<string> Columns { get; } = ["phone", "first_name", "email"];
        public IReadOnlyList<string> RequiredColumns { get; } = ["phone"];
        public IReadOnlyDictionary<string, int> Detect(IReadOnlyList<string> header) => throw new NotSupportedException();
        public string? CheckHeader(IReadOnlyList<string> header) => throw new NotSupportedException();
        public IReadOnlyList<string> WrittenTables { get; } = [];
        public bool BatchesCommute => false;
        public Task<IImportBatches> BeginAsync(ImportJob job, IReadOnlyList<string> header, CancellationToken ct) => throw new NotSupportedException();
    }

    private static IReadOnlyDictionary<string, string[]> Check(int fileColumns, params (string Field, int Column)[] map) =>
        new ImportMappingValidator(new TestKind()).Check(new ImportMapping(map.ToDictionary(m => m.Field, m => m.Column), fileColumns)).ByField;

    [Fact]
    public void A_mapping_with_the_phone_inside_the_file_passes() =>
        Assert.Empty(Check(3, ("phone", 2), ("first_name", 0), ("email", -1)));

    [Fact]
    public void Each_problem_is_keyed_by_its_field()
    {
        var errors = Check(3, ("phone", -1), ("first_name", 5), ("email", 1), ("city", 0));

        Assert.Equal([ImportMappingValidator.RequiredMessage], errors["mapping.phone"]);
        Assert.Equal([ImportMappingValidator.OutsideFileMessage], errors["mapping.first_name"]);
        Assert.Equal([ImportMappingValidator.UnknownFieldMessage], errors["mapping.city"]);
        Assert.False(errors.ContainsKey("mapping.email"));
    }

    [Fact]
    public void One_file_column_cannot_fill_two_fields()
    {
        var errors = Check(3, ("phone", 0), ("first_name", 0));

        Assert.Equal([ImportMappingValidator.TwiceMessage], errors["mapping.phone"]);
        Assert.Single(errors);
    }
}
