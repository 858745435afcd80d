using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class ImportOtherPhonesMiddleName : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "first_row_is_data",
                table: "imports",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "other_phones",
                table: "imports",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<byte[]>(
                name: "middle_name_cipher",
                table: "contacts",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "other_phones_cipher",
                table: "contacts",
                type: "bytea",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "first_row_is_data",
                table: "imports");

            migrationBuilder.DropColumn(
                name: "other_phones",
                table: "imports");

            migrationBuilder.DropColumn(
                name: "middle_name_cipher",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "other_phones_cipher",
                table: "contacts");
        }
    }
}
